//! How the window's web engine is set up for a document desk rather than a
//! browser (issue 10's memory goal: the app and WebKit's processes together
//! under 250 MB after login).
//!
//! Sealdesk shows tables, forms and page images: it needs no GPU
//! compositing, no WebGL, no back/forward page cache and no browser-sized
//! memory cache. On Linux, WebKitGTK's compositing mode alone costs the web
//! process about 80 MB resident (measured with `benches/app_figures.rs`),
//! and its defaults are a browser's.

/// Set before the first window exists: WebKitGTK reads these when its
/// processes start. A value the user set is kept (e.g.
/// `WEBKIT_DISABLE_COMPOSITING_MODE=0` to turn compositing back on).
pub fn prepare_environment() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // Safety of `set_var`: called from `main` before Tauri, GTK or any
        // other thread starts, so no one reads the environment concurrently.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Turns the browser features off on the window's web view.
pub fn tune<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    let _ = window.with_webview(|view| {
        use webkit2gtk::{
            CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
        };
        let view = view.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            settings.set_enable_webgl(false);
            settings.set_enable_page_cache(false);
            settings.set_enable_dns_prefetching(false);
        }
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
