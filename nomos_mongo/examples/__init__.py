"""Small example domains: the seed's Todo, used by the engine's tests and by `nomos bench`."""
