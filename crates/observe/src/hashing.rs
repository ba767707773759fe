//! Hash maps for keys an attacker chooses (addresses, ports, MACs, names): seeded per process,
//! so that nobody can prepare inputs that all land in one bucket.
//!
//! Nothing iterates these maps into a report without sorting first, so the random seed never
//! shows in results.

/// A hash map seeded per process.
pub type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A hash set seeded per process.
pub type Set<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
