//! The page's entry point.
fn main() {
    console_error_panic_hook::set_once();
    trailglass::web::page::offline::register();
    yew::Renderer::<trailglass::web::page::app::App>::new().render();
}
