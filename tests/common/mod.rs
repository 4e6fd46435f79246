//! Helpers shared by the integration tests that run the `taintsim` binary.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary with `args` in `cwd` and waits for it.
pub fn taintsim(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_taintsim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the taintsim binary starts")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
