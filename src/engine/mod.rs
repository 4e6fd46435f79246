//! The discrete-event engine: event queue, clock, randomness and the simulated world.

pub mod rng;
