// Tests import lib/ modules directly, outside Next's server build.
export {};
