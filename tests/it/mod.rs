mod ci;
mod cli;
mod git;
mod languages;
mod rules;
mod util;
mod walk;
