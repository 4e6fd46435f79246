//! The event queue.
//!
//! Ordering contract: events come out in order of simulated time; events at the same instant
//! come out in the order they were pushed (first in, first out). Nothing else breaks ties, so a
//! run is a pure function of its inputs and seed.

use crate::time::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A time-ordered FIFO-at-ties queue of events of type `E`.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<(SimTime, u64, usize)>>,
    slots: Vec<Option<E>>,
    free: Vec<usize>,
    next_seq: u64,
    pushed: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), slots: Vec::new(), free: Vec::new(), next_seq: 0, pushed: 0 }
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `event` at `at`.
    pub fn push(&mut self, at: SimTime, event: E) {
        let slot = match self.free.pop() {
            Some(i) => {
                self.slots[i] = Some(event);
                i
            }
            None => {
                self.slots.push(Some(event));
                self.slots.len() - 1
            }
        };
        self.heap.push(Reverse((at, self.next_seq, slot)));
        self.next_seq += 1;
        self.pushed += 1;
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let Reverse((at, _, slot)) = self.heap.pop()?;
        let event = self.slots[slot].take().expect("every queued key has its event in the slab");
        self.free.push(slot);
        Some((at, event))
    }

    /// The time of the earliest event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse((at, _, _))| *at)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Events pushed since the queue was created.
    pub fn total_pushed(&self) -> u64 {
        self.pushed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::seeded;
    use rand::RngExt;
    use std::collections::BTreeMap;

    #[test]
    fn equal_times_pop_in_push_order() {
        let mut q = EventQueue::new();
        for i in 0..5 {
            q.push(SimTime::from_secs(1), i);
        }
        q.push(SimTime::ZERO, 99);
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec![99, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn matches_an_ordered_map_oracle_under_random_interleaving() {
        let mut rng = seeded(3);
        let mut q = EventQueue::new();
        let mut oracle: BTreeMap<(SimTime, u64), u32> = BTreeMap::new();
        let mut seq = 0u64;
        for step in 0..5000u32 {
            if rng.random_range(0..3) < 2 {
                let at = SimTime::from_millis(rng.random_range(0..50));
                q.push(at, step);
                oracle.insert((at, seq), step);
                seq += 1;
            } else {
                let got = q.pop();
                let want = oracle.pop_first().map(|((t, _), v)| (t, v));
                assert_eq!(got, want);
            }
        }
    }
}
