mod action;
mod archives;
mod ci;
mod cli;
mod documents;
mod fleet;
mod git;
mod hooks;
mod languages;
mod precision;
mod recall;
mod robust;
mod rules;
mod salesforce;
mod util;
#[cfg(feature = "verify")]
mod verify;
mod walk;
