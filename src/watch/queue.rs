//! The queue from the watchers (inotify, polling) to the main loop. It is bounded,
//! so that memory stays bounded when changes come faster than they are handled (a
//! big share restored from a backup, or changes during a rescan): what does not
//! fit is dropped and the loss noted, and the main loop rescans, as after the
//! kernel's own queue overflowed. Never blocking also means a watcher thread
//! never waits on the main loop while the main loop waits on it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};

/// About 10 MB of queued events.
pub const CAPACITY: usize = 65_536;

pub type Item = notify::Result<notify::Event>;

#[derive(Clone)]
pub struct Sink {
    tx: SyncSender<Item>,
    lost: Arc<AtomicBool>,
    /// The kernel's own queue overflowed: what is queued here is incomplete,
    /// and the main loop rescans at once instead of working through it first.
    overflowed: Arc<AtomicBool>,
}

impl Sink {
    pub fn new(capacity: usize) -> (Sink, Receiver<Item>) {
        let (tx, rx) = std::sync::mpsc::sync_channel(capacity);
        (
            Sink {
                tx,
                lost: Arc::new(AtomicBool::new(false)),
                overflowed: Arc::new(AtomicBool::new(false)),
            },
            rx,
        )
    }

    /// Queues an event, or notes it lost when the queue is full. False when
    /// the main loop is gone.
    pub fn send(&self, ev: Item) -> bool {
        match self.tx.try_send(ev) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.lost.store(true, Ordering::SeqCst);
                true
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }

    /// Whether events were lost since the last call.
    pub fn take_lost(&self) -> bool {
        self.lost.swap(false, Ordering::SeqCst)
    }

    /// Notes that the kernel's queue overflowed (`IN_Q_OVERFLOW`).
    pub fn note_overflow(&self) {
        self.overflowed.store(true, Ordering::SeqCst);
    }

    /// Whether the kernel's queue overflowed since the last call.
    pub fn take_overflow(&self) -> bool {
        self.overflowed.swap(false, Ordering::SeqCst)
    }
}

impl notify::EventHandler for Sink {
    fn handle_event(&mut self, ev: Item) {
        self.send(ev);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_drops_events_and_says_so_once() {
        let (sink, rx) = Sink::new(2);
        let ev = || Ok(notify::Event::new(notify::EventKind::Any));
        assert!(sink.send(ev()) && sink.send(ev()));
        assert!(!sink.take_lost());
        assert!(sink.send(ev()), "a full queue does not block");
        assert!(sink.take_lost());
        assert!(!sink.take_lost());
        assert_eq!(rx.try_iter().count(), 2);
        drop(rx);
        assert!(!sink.send(ev()), "the main loop is gone");
    }
}
