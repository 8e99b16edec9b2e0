mod ci;
mod cli;
mod git;
mod languages;
mod rules;
mod salesforce;
mod util;
mod walk;
