//! Host settings: Linux configuration under `--root` and Windows evidence folders.
//! (Filled in by the host-settings work.)

/// Facts from the host's configuration files and Windows evidence.
#[derive(Debug, Default)]
pub struct HostFacts {}
