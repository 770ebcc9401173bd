//! The page's entry point.
fn main() {
    console_error_panic_hook::set_once();
    trailglass::web::offline::register();
    yew::Renderer::<trailglass::web::app::App>::new().render();
}
