use clap::Parser;

fn main() {
    let cli = timaudit::cli::Cli::parse();
    std::process::exit(timaudit::commands::run(cli));
}
