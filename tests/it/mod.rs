mod cli;
mod languages;
mod rules;
mod util;
mod walk;
