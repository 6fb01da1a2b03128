//! A small allocator for single-threaded wasm32: wasmqtt's global allocator.
//!
//! Why: the standard library's allocator on wasm32 (dlmalloc) is about 8 KB of the module;
//! this one is about 1.5 KB. Two kinds of block, carved from memory grown with `memory.grow`:
//! - small (up to 2 KiB): powers of two from 16 B, each size with its own free list, so
//!   allocation and freeing are O(1) (the messages, topics and packets of the hot path);
//! - large (over 2 KiB): whole 4 KiB granules in one free list in address order, split to fit
//!   and merged with free neighbours when freed, so the buffers that grow and shrink with the
//!   traffic (a burst's WebSocket message, the framer, a queue's ring) reuse one another's
//!   memory instead of each keeping its own.
//!
//! Memory is never returned to the system: wasm memory cannot shrink.
//!
//! [`Heap`] is the logic, over any [`Memory`]; native tests drive it over an ordinary buffer.
//! On wasm32 without threads, [`WasmAllocator`] is the `#[global_allocator]`.
#![no_std]
#![warn(missing_docs)]

use core::alloc::Layout;
use core::ptr;

/// The wasm page size: what `memory.grow` counts in.
pub const PAGE: usize = 64 * 1024;
/// log2 of the smallest block: room for the free list's link on any target.
const MIN_SHIFT: u32 = 4;
/// Large blocks are whole granules of this size, aligned to it.
const GRANULE: usize = 4096;
/// Small classes: 16 B .. 2 KiB.
const SMALL_CLASSES: usize = 8;

/// Where the heap's memory comes from.
pub trait Memory {
    /// Adds `pages` pages of [`PAGE`] bytes; returns the address of the first, page-aligned,
    /// or `None` when the memory cannot grow.
    fn grow(&mut self, pages: usize) -> Option<usize>;
}

/// The allocator's state: the free lists and the region blocks are carved from.
pub struct Heap<M> {
    /// The head of each small class's free list (0: empty); a free block's first word links on.
    small: [usize; SMALL_CLASSES],
    /// The first free large block (0: none), in address order; each holds the next one's
    /// address and its own size in its first two words.
    large: usize,
    /// The region not yet carved: `[next, end)`.
    next: usize,
    end: usize,
    memory: M,
}

/// What a layout gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A small block of class `c`: 2^(c + 4) bytes, aligned to its size.
    Small(usize),
    /// A large block of this many bytes (whole granules), aligned to a granule.
    Large(usize),
}

/// The block for a layout (`None` for an alignment over a granule, which no block promises,
/// or a size near `usize::MAX`).
fn block_for(layout: Layout) -> Option<Block> {
    if layout.align() > GRANULE {
        return None;
    }
    let size = layout.size().max(layout.align()).max(1 << MIN_SHIFT);
    if size <= GRANULE / 2 {
        // The smallest power of two >= size.
        let shift = usize::BITS - (size - 1).leading_zeros();
        return Some(Block::Small((shift - MIN_SHIFT) as usize));
    }
    Some(Block::Large(
        size.checked_add(GRANULE - 1)? & !(GRANULE - 1),
    ))
}

/// Reads a free large block's header: the next free block, and its size.
///
/// # Safety
/// `at` must be a free large block.
unsafe fn header(at: usize) -> (usize, usize) {
    let words = at as *const usize;
    unsafe { (words.read(), words.add(1).read()) }
}

/// # Safety
/// `at` must be a free large block of `size` bytes.
unsafe fn set_header(at: usize, next: usize, size: usize) {
    let words = at as *mut usize;
    unsafe {
        words.write(next);
        words.add(1).write(size);
    }
}

impl<M: Memory> Heap<M> {
    /// An empty heap over `memory`; nothing is taken from it before the first allocation.
    pub const fn new(memory: M) -> Self {
        Heap {
            small: [0; SMALL_CLASSES],
            large: 0,
            next: 0,
            end: 0,
            memory,
        }
    }

    /// A block for `layout`, or null when memory is exhausted.
    ///
    /// # Safety
    /// The heap's memory must be valid for reads and writes and used by nothing else.
    pub unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let at = match block_for(layout) {
            Some(Block::Small(class)) => match self.small.get(class).copied() {
                Some(head) if head != 0 => {
                    // SAFETY: a free small block holds the next link in its first word.
                    self.small[class] = unsafe { (head as *const usize).read() };
                    Some(head)
                }
                _ => self.carve(1 << (class as u32 + MIN_SHIFT)),
            },
            // SAFETY: the free list holds free large blocks only.
            Some(Block::Large(size)) => {
                unsafe { self.take_large(size) }.or_else(|| self.carve(size))
            }
            None => None,
        };
        at.map_or(ptr::null_mut(), |at| at as *mut u8)
    }

    /// Returns a block to its free list.
    ///
    /// # Safety
    /// `block` must come from this heap's `alloc` or `realloc` with this `layout`, and not be
    /// used after.
    pub unsafe fn dealloc(&mut self, block: *mut u8, layout: Layout) {
        // SAFETY: the block is ours again, as large as its kind says.
        unsafe {
            match block_for(layout) {
                Some(Block::Small(class)) => self.push_small(class, block as usize),
                Some(Block::Large(size)) => self.free_large(block as usize, size),
                None => {}
            }
        }
    }

    /// Resizes a block: in place while the new size needs the same block, else moved.
    ///
    /// # Safety
    /// As [`Heap::dealloc`]; `new_size` rounded up to `layout.align()` must not overflow.
    pub unsafe fn realloc(&mut self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        if block_for(layout) == block_for(new_layout) {
            return block;
        }
        // SAFETY: as the caller promised for `alloc` and `dealloc`; the two blocks are distinct.
        unsafe {
            let moved = self.alloc(new_layout);
            if !moved.is_null() {
                ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                self.dealloc(block, layout);
            }
            moved
        }
    }

    unsafe fn push_small(&mut self, class: usize, block: usize) {
        if let Some(head) = self.small.get_mut(class) {
            // SAFETY: the caller gives a free block of this class, with room for the link.
            unsafe { (block as *mut usize).write(*head) };
            *head = block;
        }
    }

    /// The first free large block of at least `size` bytes, split if larger.
    ///
    /// # Safety
    /// The large free list must hold free large blocks only.
    unsafe fn take_large(&mut self, size: usize) -> Option<usize> {
        let (mut prev, mut at) = (0, self.large);
        while at != 0 {
            // SAFETY: `at` is on the free list.
            let (next, have) = unsafe { header(at) };
            if have >= size {
                let rest = if have > size {
                    // The tail stays free, in the same place in address order.
                    // SAFETY: the tail is part of the free block.
                    unsafe { set_header(at + size, next, have - size) };
                    at + size
                } else {
                    next
                };
                // SAFETY: `prev` is on the list (or 0 for its head).
                unsafe { self.link(prev, rest) };
                return Some(at);
            }
            (prev, at) = (at, next);
        }
        None
    }

    /// Frees a large block: into the address-ordered list, merged with free neighbours; given
    /// back to the region if it ends where the region starts.
    ///
    /// # Safety
    /// `[at, at + size)` must be heap memory that no block covers, `at` granule-aligned.
    unsafe fn free_large(&mut self, at: usize, mut size: usize) {
        // `before` links to `prev`, which is the last free block below `at`.
        let (mut before, mut prev, mut next) = (0, 0, self.large);
        // SAFETY (all header reads and writes below): `prev` and `next` are on the free list,
        // `at` is the block being freed.
        unsafe {
            while next != 0 && next < at {
                (before, prev) = (prev, next);
                next = header(next).0;
            }
            if next != 0 && at + size == next {
                let (after, next_size) = header(next);
                size += next_size;
                next = after;
            }
            // Merged with `prev` when it ends where the block starts; then `before` links to it.
            let (link_from, start, size) = match prev {
                0 => (0, at, size),
                p => match header(p) {
                    (_, prev_size) if p + prev_size == at => (before, p, prev_size + size),
                    _ => (p, at, size),
                },
            };
            if start + size == self.next {
                self.next = start;
                self.link(link_from, next);
            } else {
                set_header(start, next, size);
                self.link(link_from, start);
            }
        }
    }

    /// Makes `to` follow `prev` in the large free list (`prev` 0: the head).
    ///
    /// # Safety
    /// `prev` must be on the list, or 0.
    unsafe fn link(&mut self, prev: usize, to: usize) {
        if prev == 0 {
            self.large = to;
        } else {
            // SAFETY: `prev` is a free large block; its first word is its link.
            unsafe { (prev as *mut usize).write(to) };
        }
    }

    /// A fresh block of `size` bytes (a small class's power of two, or whole granules) from
    /// the region, grown as needed, aligned to its size up to a granule.
    fn carve(&mut self, size: usize) -> Option<usize> {
        let align = size.min(GRANULE);
        loop {
            let start = self.next.checked_add(align - 1)? & !(align - 1);
            if start.checked_add(size).is_some_and(|end| end <= self.end) {
                // SAFETY: `[next, start)` is in the region and carved by no one.
                unsafe { self.release(self.next, start) };
                self.next = start + size;
                return Some(start);
            }
            // The region's end is page-aligned and `align` divides a page, so the block fits
            // in this many new pages wherever they are.
            let pages = size.div_ceil(PAGE);
            let base = self.memory.grow(pages)?;
            if base != self.end {
                // The new memory does not follow the region: what is left of it is freed.
                // SAFETY: `[next, end)` is in the region and carved by no one.
                unsafe { self.release(self.next, self.end) };
                self.next = base;
            }
            self.end = base.checked_add(pages.checked_mul(PAGE)?)?;
        }
    }

    /// Puts `[from, to)` (both multiples of 16) on the free lists, as power-of-two blocks
    /// aligned to their size, largest first: memory skipped to align a block is not lost.
    ///
    /// # Safety
    /// The range must be heap memory that no block covers.
    unsafe fn release(&mut self, mut from: usize, to: usize) {
        while to - from >= 1 << MIN_SHIFT {
            // The largest power of two that `from` is aligned to and that fits before `to`.
            let mut size = 1usize << from.trailing_zeros().min(usize::BITS - 1);
            while size > to - from {
                size >>= 1;
            }
            // SAFETY: the block lies in the released range.
            unsafe {
                if size >= GRANULE {
                    self.free_large(from, size);
                } else {
                    self.push_small((size.trailing_zeros() - MIN_SHIFT) as usize, from);
                }
            }
            from += size;
        }
    }
}

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
mod wasm {
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    use super::{Heap, Memory, PAGE};

    /// The module's linear memory (memory 0).
    pub struct LinearMemory;

    impl Memory for LinearMemory {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let previous = core::arch::wasm32::memory_grow(0, pages);
            (previous != usize::MAX).then(|| previous * PAGE)
        }
    }

    /// The global allocator for single-threaded wasm32:
    /// `#[global_allocator] static A: WasmAllocator = WasmAllocator::new();`
    pub struct WasmAllocator(UnsafeCell<Heap<LinearMemory>>);

    // SAFETY: without the `atomics` target feature a wasm module runs on one thread only.
    unsafe impl Sync for WasmAllocator {}

    impl WasmAllocator {
        /// The allocator, empty until the first allocation.
        pub const fn new() -> Self {
            WasmAllocator(UnsafeCell::new(Heap::new(LinearMemory)))
        }
    }

    impl Default for WasmAllocator {
        fn default() -> Self {
            Self::new()
        }
    }

    // SAFETY: one thread, and the heap never calls back into the allocator, so each call has
    // the only reference to the heap; the grown memory belongs to the heap alone.
    unsafe impl GlobalAlloc for WasmAllocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { (*self.0.get()).alloc(layout) }
        }
        unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
            unsafe { (*self.0.get()).dealloc(block, layout) }
        }
        unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            unsafe { (*self.0.get()).realloc(block, layout, new_size) }
        }
    }
}

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
pub use wasm::{LinearMemory, WasmAllocator};

#[cfg(test)]
mod tests {
    extern crate std;

    use super::{Heap, Memory, PAGE};
    use core::alloc::Layout;
    use proptest::prelude::*;
    use std::alloc::{alloc_zeroed, dealloc};
    use std::collections::BTreeMap;
    use std::vec::Vec;

    /// A fixed buffer handed out page by page, with a hole after every `gap_every` grows so
    /// that regions are sometimes not contiguous.
    struct Region {
        base: *mut u8,
        pages: usize,
        used: usize,
        grows: usize,
        gap_every: usize,
    }

    impl Region {
        fn new(pages: usize, gap_every: usize) -> Region {
            let layout = Layout::from_size_align(pages * PAGE, PAGE).unwrap();
            let base = unsafe { alloc_zeroed(layout) };
            assert!(!base.is_null());
            Region {
                base,
                pages,
                used: 0,
                grows: 0,
                gap_every,
            }
        }
    }

    impl Drop for Region {
        fn drop(&mut self) {
            let layout = Layout::from_size_align(self.pages * PAGE, PAGE).unwrap();
            unsafe { dealloc(self.base, layout) };
        }
    }

    impl Memory for Region {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            self.grows += 1;
            if self.gap_every > 0 && self.grows % self.gap_every == 0 {
                self.used += 1;
            }
            if self.used + pages > self.pages {
                return None;
            }
            let at = self.base as usize + self.used * PAGE;
            self.used += pages;
            Some(at)
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Alloc { size: usize, align_shift: u32 },
        Free(usize),
        Realloc(usize, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        let size = prop_oneof![0usize..64, 0usize..2048, 0usize..200_000];
        prop_oneof![
            4 => (size.clone(), 0u32..8).prop_map(|(size, align_shift)| Op::Alloc { size, align_shift }),
            3 => any::<usize>().prop_map(Op::Free),
            2 => (any::<usize>(), size).prop_map(|(i, s)| Op::Realloc(i, s)),
        ]
    }

    /// The large free list is in address order, granule-aligned, fully merged, and none of it
    /// touches the region's start (it would have been given back).
    fn check_large_list<M: Memory>(heap: &Heap<M>) {
        let mut at = heap.large;
        let mut last_end = 0;
        while at != 0 {
            let (next, size) = unsafe { super::header(at) };
            assert_eq!(at % super::GRANULE, 0, "misaligned free block");
            assert!(
                size >= super::GRANULE && size % super::GRANULE == 0,
                "free block of {size}"
            );
            assert!(at > last_end, "free blocks out of order or not merged");
            assert_ne!(
                at + size,
                heap.next,
                "a free block next to the region was not given back"
            );
            last_end = at + size;
            at = next;
        }
    }

    struct Live {
        at: usize,
        layout: Layout,
        fill: u8,
    }

    fn check_contents(live: &Live) {
        let bytes =
            unsafe { core::slice::from_raw_parts(live.at as *const u8, live.layout.size()) };
        assert!(
            bytes.iter().all(|&b| b == live.fill),
            "a block's contents changed"
        );
    }

    fn fill(live: &Live) {
        unsafe { core::ptr::write_bytes(live.at as *mut u8, live.fill, live.layout.size()) };
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Blocks are aligned, never overlap, keep their contents (also across realloc), and
        /// freed memory is reused.
        #[test]
        fn blocks_are_aligned_disjoint_and_kept(
            ops in proptest::collection::vec(op(), 1..300),
            gap_every in 0usize..4,
        ) {
            let mut heap = Heap::new(Region::new(256, gap_every));
            let mut live: Vec<Live> = Vec::new();
            let mut next_fill = 1u8;
            for op in ops {
                match op {
                    Op::Alloc { size, align_shift } => {
                        let layout = Layout::from_size_align(size, 1 << align_shift).unwrap();
                        let at = unsafe { heap.alloc(layout) } as usize;
                        if at == 0 {
                            continue; // the region is full: allowed, it is a fixed buffer
                        }
                        prop_assert_eq!(at % layout.align(), 0);
                        next_fill = next_fill.wrapping_add(1).max(1);
                        let block = Live { at, layout, fill: next_fill };
                        fill(&block);
                        live.push(block);
                    }
                    Op::Free(i) if !live.is_empty() => {
                        let block = live.swap_remove(i % live.len());
                        check_contents(&block);
                        unsafe { heap.dealloc(block.at as *mut u8, block.layout) };
                    }
                    Op::Realloc(i, new_size) if !live.is_empty() => {
                        let i = i % live.len();
                        let old = &live[i];
                        check_contents(old);
                        let moved = unsafe { heap.realloc(old.at as *mut u8, old.layout, new_size) } as usize;
                        if moved == 0 {
                            continue; // unchanged on failure
                        }
                        let kept = old.layout.size().min(new_size);
                        let bytes = unsafe { core::slice::from_raw_parts(moved as *const u8, kept) };
                        prop_assert!(bytes.iter().all(|&b| b == old.fill), "realloc lost contents");
                        prop_assert_eq!(moved % old.layout.align(), 0);
                        let layout = Layout::from_size_align(new_size, old.layout.align()).unwrap();
                        live[i] = Live { at: moved, layout, fill: old.fill };
                        fill(&live[i]);
                    }
                    _ => {}
                }
                check_large_list(&heap);
                // No two live blocks overlap (zero-size ones take a block of 16 all the same).
                let mut spans: BTreeMap<usize, usize> = BTreeMap::new();
                for b in &live {
                    prop_assert!(spans.insert(b.at, b.layout.size().max(1)).is_none(), "a block handed out twice");
                }
                let mut end = 0;
                for (&at, &len) in &spans {
                    prop_assert!(at >= end, "blocks overlap");
                    end = at + len;
                }
            }
            for block in &live {
                check_contents(block);
            }
        }
    }

    #[test]
    fn freed_blocks_are_reused_and_memory_stays_bounded() {
        let mut heap = Heap::new(Region::new(64, 0));
        let layout = Layout::from_size_align(1000, 8).unwrap();
        let first = unsafe { heap.alloc(layout) };
        unsafe { heap.dealloc(first, layout) };
        // Same class (1024 B): the freed block comes back.
        let again = unsafe { heap.alloc(Layout::from_size_align(600, 4).unwrap()) };
        assert_eq!(first, again);
        // A long churn of the same sizes grows the memory no further than its peak.
        let grown = heap.memory.used;
        for _ in 0..10_000 {
            let a = unsafe { heap.alloc(layout) };
            let b = unsafe { heap.alloc(Layout::from_size_align(70_000, 1).unwrap()) };
            assert!(!a.is_null() && !b.is_null());
            unsafe {
                heap.dealloc(b, Layout::from_size_align(70_000, 1).unwrap());
                heap.dealloc(a, layout);
            }
        }
        assert!(
            heap.memory.used <= grown + 3,
            "grew from {grown} to {} pages",
            heap.memory.used
        );
    }

    #[test]
    fn realloc_within_a_class_stays_in_place() {
        let mut heap = Heap::new(Region::new(4, 0));
        let layout = Layout::from_size_align(300, 1).unwrap();
        let block = unsafe { heap.alloc(layout) };
        assert_eq!(unsafe { heap.realloc(block, layout, 512) }, block);
        let moved = unsafe { heap.realloc(block, Layout::from_size_align(512, 1).unwrap(), 513) };
        assert_ne!(moved, block);
    }

    #[test]
    fn freed_large_blocks_merge_and_serve_larger_ones() {
        let mut heap = Heap::new(Region::new(16, 0));
        let sizes = [5000, 12_000, 3000, 40_000, 9000];
        let layouts: Vec<Layout> = sizes
            .iter()
            .map(|&s| Layout::from_size_align(s, 8).unwrap())
            .collect();
        let blocks: Vec<*mut u8> = layouts.iter().map(|&l| unsafe { heap.alloc(l) }).collect();
        assert!(blocks.iter().all(|b| !b.is_null()));
        let grown = heap.memory.used;
        // Freed in an order that needs merging on both sides.
        for i in [1, 3, 0, 4, 2] {
            unsafe { heap.dealloc(blocks[i], layouts[i]) };
        }
        // Together they were 76 KiB of granules: one block of that size fits without growing.
        let whole = Layout::from_size_align(76 * 1024, 8).unwrap();
        let big = unsafe { heap.alloc(whole) };
        assert!(!big.is_null());
        assert_eq!(heap.memory.used, grown, "the merged blocks were not reused");
        // A buffer growing by doubling reuses what it leaves behind: the memory stays within
        // a few pages of twice its final size.
        unsafe { heap.dealloc(big, whole) };
        let mut layout = Layout::from_size_align(4096, 1).unwrap();
        let mut buf = unsafe { heap.alloc(layout) };
        for _ in 0..6 {
            let grown_size = layout.size() * 2;
            buf = unsafe { heap.realloc(buf, layout, grown_size) };
            layout = Layout::from_size_align(grown_size, 1).unwrap();
            assert!(!buf.is_null());
        }
        assert!(
            heap.memory.used * PAGE <= 2 * layout.size() + 4 * PAGE,
            "{} pages",
            heap.memory.used
        );
    }

    #[test]
    fn exhaustion_is_null_not_a_panic() {
        let mut heap = Heap::new(Region::new(2, 0));
        let huge = Layout::from_size_align(3 * PAGE, 1).unwrap();
        assert!(unsafe { heap.alloc(huge) }.is_null());
        let too_aligned = Layout::from_size_align(16, 2 * 4096).unwrap();
        assert!(unsafe { heap.alloc(too_aligned) }.is_null());
    }
}
