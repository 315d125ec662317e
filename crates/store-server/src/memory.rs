//! The allocator's side of the server's memory.

/// Gives the system back the memory this thread freed. The server runs on mimalloc, which
/// keeps a thread's freed pages for that thread: after a snapshot's copy and encoding (hundreds
/// of MB at 200,000 shoppers) the writer thread sleeps, and its pages would stay resident.
pub fn release_freed_memory() {
    // SAFETY: `mi_collect` takes no pointers; it only walks this thread's own heap.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
