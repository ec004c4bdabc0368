//! When events were lost (the kernel's queue overflowed, the watcher's own
//! queue was full, a watch failed), the main loop rescans everything. Rescans
//! are rate-limited: at most one per `MIN_GAP`. Losses in between are merged
//! into the next rescan, whose line says how many there were, so that a share
//! under a storm of changes is walked once per minute at most instead of
//! continuously.

use crate::i18n::Text;
use std::time::{Duration, Instant};

/// The shortest time between two rescans.
pub const MIN_GAP: Duration = Duration::from_secs(30);

pub struct Gate {
    min_gap: Duration,
    last: Option<Instant>,
    /// The first reason since the last rescan, and how many losses in all.
    waiting: Option<(Text, u32)>,
}

impl Gate {
    pub fn new(min_gap: Duration) -> Gate {
        Gate {
            min_gap,
            last: None,
            waiting: None,
        }
    }

    /// Notes a loss (`why`), if any; returns the reason to rescan with now, or
    /// None when nothing was lost or the last rescan is too recent.
    pub fn due(&mut self, why: Option<Text>, now: Instant) -> Option<Text> {
        if let Some(why) = why {
            match &mut self.waiting {
                Some((_, n)) => *n += 1,
                None => self.waiting = Some((why, 1)),
            }
        }
        if self
            .last
            .is_some_and(|l| now.saturating_duration_since(l) < self.min_gap)
        {
            return None;
        }
        let (why, n) = self.waiting.take()?;
        self.last = Some(now);
        Some(if n == 1 {
            why
        } else {
            Text::new(
                format!("{}。前回の再走査から {n} 回", why.ja),
                format!("{}; {n} times since the last rescan", why.en),
            )
        })
    }
}

/// The reason for a rescan after the kernel's queue overflowed, with the
/// limit to raise.
pub fn kernel_overflow() -> Text {
    let limit = std::fs::read_to_string("/proc/sys/fs/inotify/max_queued_events")
        .ok()
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "?".into());
    Text::new(
        format!(
            "カーネルのイベントキューがあふれました（fs.inotify.max_queued_events = {limit}。繰り返すときは sysctl で上げてください）"
        ),
        format!(
            "the kernel's event queue overflowed (fs.inotify.max_queued_events = {limit}; raise it with sysctl if this recurs)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losses_within_the_gap_are_merged_into_one_later_rescan() {
        let mut g = Gate::new(Duration::from_secs(30));
        let t0 = Instant::now();
        assert!(g.due(None, t0).is_none(), "nothing lost: no rescan");
        let first = g.due(Some(Text::new("あ", "a")), t0).unwrap();
        assert_eq!(first.en, "a", "the first loss rescans at once");
        assert!(
            g.due(Some(Text::new("い", "b")), t0 + Duration::from_secs(1))
                .is_none()
        );
        assert!(
            g.due(Some(Text::new("う", "c")), t0 + Duration::from_secs(2))
                .is_none()
        );
        assert!(g.due(None, t0 + Duration::from_secs(29)).is_none());
        let merged = g.due(None, t0 + Duration::from_secs(30)).unwrap();
        assert_eq!(merged.en, "b; 2 times since the last rescan");
        assert!(merged.ja.contains("2 回"), "{}", merged.ja);
        assert!(g.due(None, t0 + Duration::from_secs(90)).is_none());
        let later = g.due(Some(Text::new("え", "d")), t0 + Duration::from_secs(90));
        assert_eq!(
            later.unwrap().en,
            "d",
            "a loss after a quiet gap rescans at once"
        );
    }
}
