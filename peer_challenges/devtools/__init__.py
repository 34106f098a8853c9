"""Developer tools: synthetic national-scale data and the benchmark. Not imported by the app."""
