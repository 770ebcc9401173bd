//! The worker's entry point.
use gloo::worker::Registrable;

fn main() {
    console_error_panic_hook::set_once();
    trailglass::web::worker::TrailWorker::registrar().register();
}
