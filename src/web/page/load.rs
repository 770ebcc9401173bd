//! The load pipeline: files read in batches (small ones) or slices (big ones) and fed to
//! the worker with one message in flight, each answer an action on the app's reducer
//! (progress, over budget, the summary).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::protocol::{Chunk, InputFile};
use crate::web::browser::files::PickedFile;
use crate::web::page::state::{Action, AppState};
use crate::web::worker::engine::{Added, Engine, Pending};

/// Files per worker message, and bytes per message.
/// - Good (bigger): fewer round trips for tens of thousands of 2 KB files.
/// - Bad (bigger): coarser progress and cancel, and a larger copy in flight.
const BATCH_FILES: usize = 256;
const BATCH_BYTES: usize = 4 << 20;

/// Files larger than this are read and sent in slices of [`SLICE_BYTES`] that the worker
/// streams through its ingester ([`crate::protocol::Request::AddChunk`]): neither side holds the whole file
/// (a day of an org trail is one 150 MB `.json.gz`, 1.5 GB of JSON).
/// - Good (smaller): less memory for mid-size files. Bad: slices cost a round trip each,
///   and small files go faster in batches.
const STREAM_BYTES: f64 = (16 << 20) as f64;
/// - Good (bigger): fewer round trips. Bad (bigger): coarser progress and cancel, and more
///   memory in flight (a gzip slice is decompressed a piece at a time in the worker).
const SLICE_BYTES: f64 = (4 << 20) as f64;

/// Reads the files in batches and feeds them to the worker; each answer is the next
/// batch's go-ahead (backpressure), a progress step, and a chance to cancel.
pub async fn load_files(
    engine: Engine,
    files: Vec<PickedFile>,
    dispatcher: UseReducerDispatcher<AppState>,
    cancel: Rc<Cell<bool>>,
) {
    let total: u64 = files.iter().map(|f| f.file.size() as u64).sum();
    dispatcher.dispatch(Action::LoadStarted {
        files: files.len() as u32,
        bytes: total,
        sample: false,
    });
    // Small files are gathered into batches, each read at once and sent as one message.
    let mut batch: Vec<PickedFile> = Vec::new();
    let mut batch_bytes = 0.0;
    // At most one batch in the worker while the page reads the next: reading and parsing
    // overlap, and memory stays bounded (backpressure).
    let mut in_flight: Option<(Pending<Added>, u64)> = None;
    for picked in files {
        // Cancel keeps what was read: the partial batch still goes to the worker below.
        if cancel.get() {
            break;
        }
        if picked.file.size() > STREAM_BYTES {
            // Files go in order: the batch so far first, then this one slice by slice.
            if !batch.is_empty() {
                let inputs = read_batch(std::mem::take(&mut batch)).await;
                send_batch(&engine, &dispatcher, inputs, &mut in_flight, &cancel).await;
                batch_bytes = 0.0;
            }
            send_in_slices(&engine, picked, &dispatcher, &cancel, &mut in_flight).await;
            continue;
        }
        batch_bytes += picked.file.size();
        batch.push(picked);
        if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES as f64 {
            let inputs = read_batch(std::mem::take(&mut batch)).await;
            send_batch(&engine, &dispatcher, inputs, &mut in_flight, &cancel).await;
            batch_bytes = 0.0;
        }
    }
    if !batch.is_empty() {
        let inputs = read_batch(batch).await;
        send_batch(&engine, &dispatcher, inputs, &mut in_flight, &cancel).await;
    }
    settle(&dispatcher, in_flight.take(), &cancel).await;
    finish(&engine, &dispatcher).await;
}

/// Reads a big file a slice at a time and sends each to the worker as soon as the one
/// before is answered (one slice in flight while the next is read: reading and parsing
/// overlap, and memory stays bounded). Cancel stops between slices; the worker ends the
/// file with what it got when the load finishes.
async fn send_in_slices(
    engine: &Engine,
    picked: PickedFile,
    dispatcher: &UseReducerDispatcher<AppState>,
    cancel: &Cell<bool>,
    in_flight: &mut Option<(Pending<Added>, u64)>,
) {
    let size = picked.file.size();
    let mut offset = 0.0;
    loop {
        let end = (offset + SLICE_BYTES).min(size);
        let chunk = match read_slice(&picked.file, offset, end).await {
            Ok(bytes) => Chunk {
                path: picked.path.clone(),
                offset: offset as u64,
                bytes,
                last: end >= size,
                read_error: None,
            },
            Err(error) => Chunk {
                path: picked.path.clone(),
                offset: offset as u64,
                bytes: Vec::new(),
                last: true,
                read_error: Some(error),
            },
        };
        let last = chunk.last;
        settle(dispatcher, in_flight.take(), cancel).await;
        let bytes = chunk.bytes.len() as u64;
        *in_flight = Some((engine.add_chunk(chunk), bytes));
        if last || cancel.get() {
            return;
        }
        offset = end;
    }
}

/// Sends a batch once the one before is answered.
async fn send_batch(
    engine: &Engine,
    dispatcher: &UseReducerDispatcher<AppState>,
    inputs: Vec<InputFile>,
    in_flight: &mut Option<(Pending<Added>, u64)>,
    cancel: &Cell<bool>,
) {
    settle(dispatcher, in_flight.take(), cancel).await;
    let bytes = inputs.iter().map(|f| f.bytes.len() as u64).sum();
    *in_flight = Some((engine.add_files(inputs), bytes));
}

/// Reads a batch of small files with one read of a Blob made of them all: one trip to
/// the browser's file machinery instead of one per file (a day of an org trail is tens of
/// thousands of small files; reading them one by one took longer than parsing them). If
/// that read fails (a file gone or unreadable), each file is read on its own, so the
/// error names its file and the others are kept.
async fn read_batch(files: Vec<PickedFile>) -> Vec<InputFile> {
    let parts = js_sys::Array::new();
    for f in &files {
        parts.push(&f.file);
    }
    let expected: f64 = files.iter().map(|f| f.file.size()).sum();
    let whole = match web_sys::Blob::new_with_blob_sequence(&parts) {
        Ok(blob) => JsFuture::from(blob.array_buffer()).await.ok(),
        Err(_) => None,
    };
    if let Some(buffer) = whole {
        let bytes = js_sys::Uint8Array::new(&buffer);
        // A file that changed size since it was listed: read each on its own instead.
        if f64::from(bytes.length()) == expected {
            let mut at = 0;
            return files
                .into_iter()
                .map(|f| {
                    let end = at + f.file.size() as u32;
                    let input = InputFile {
                        path: f.path,
                        bytes: bytes.subarray(at, end).to_vec(),
                        read_error: None,
                    };
                    at = end;
                    input
                })
                .collect();
        }
    }
    let mut inputs = Vec::with_capacity(files.len());
    for f in files {
        let size = f.file.size();
        let (bytes, read_error) = match read_slice(&f.file, 0.0, size).await {
            Ok(bytes) => (bytes, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        inputs.push(InputFile {
            path: f.path,
            bytes,
            read_error,
        });
    }
    inputs
}

/// Bytes `start..end` of a file.
async fn read_slice(file: &web_sys::File, start: f64, end: f64) -> Result<Vec<u8>, String> {
    let words = |e: wasm_bindgen::JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "the browser could not read this part of the file".to_owned())
    };
    let blob = file.slice_with_f64_and_f64(start, end).map_err(words)?;
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(words)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Waits for a batch's answer and shows its progress.
async fn settle(
    dispatcher: &UseReducerDispatcher<AppState>,
    sent: Option<(Pending<Added>, u64)>,
    cancel: &Cell<bool>,
) {
    let Some((answer, bytes)) = sent else { return };
    match answer.wait().await {
        Ok(Added::Files { reports, events }) => dispatcher.dispatch(Action::Progress {
            reports,
            bytes,
            events,
        }),
        // The worker took none of it, nor will it take more: the load stops like a cancel,
        // keeping what was loaded before.
        Ok(Added::OverBudget { held, budget }) => {
            cancel.set(true);
            dispatcher.dispatch(Action::OverBudget(held, budget));
        }
        // Logged by the engine; the load goes on to its summary.
        Err(_) => {}
    }
}

pub async fn finish(engine: &Engine, dispatcher: &UseReducerDispatcher<AppState>) {
    if let Ok(summary) = engine.finish().await {
        dispatcher.dispatch(Action::Loaded(summary));
    }
}
