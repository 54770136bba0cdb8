//! Tests of the desktop app: the commands over real IPC without a window
//! (`ipc`), and the real app in a real WebKit window under Xvfb driven
//! through WebDriver (`e2e`).

mod bindings;
mod e2e;
mod harness;
mod ipc;
