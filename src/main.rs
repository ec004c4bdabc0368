use timaudit::i18n::Lang;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The language is known before clap parses, so its help and errors use it.
    let lang = timaudit::cli::lang_of(&args);
    let cli = match timaudit::cli::parse(args, lang) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let shown = matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            );
            if lang == Lang::En || shown {
                e.exit();
            }
            eprint!("{}", timaudit::cli::render_error_ja(&e));
            std::process::exit(e.exit_code());
        }
    };
    std::process::exit(timaudit::commands::run(cli));
}
