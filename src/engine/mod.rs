//! The discrete-event engine: event queue, clock, randomness and the simulated world.
//!
//! Ordering contract: events are processed in order of simulated time, and events at the same
//! instant in the order they were scheduled. Scripted timeline events are scheduled before
//! anything else, so at an instant shared with a controller pass they are applied first.

pub mod comparison;
pub mod queue;
pub mod rng;
pub mod sim;
pub mod world;

pub use sim::Simulation;
