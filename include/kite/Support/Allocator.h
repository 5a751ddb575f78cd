//===- Allocator.h - heap settings for the tools that interpret -*- C++ -*-===//
//
// The interpreter allocates every op's result and frees its operands' as
// it goes. glibc serves blocks above 128 KiB (its starting threshold) by
// mmap and hands them back on free, so each op of a model with large
// activations page-faults its result in afresh: a third of kite-run's time
// on the digits ViT. Tools that interpret keep freed memory in the heap.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_SUPPORT_ALLOCATOR_H
#define KITE_SUPPORT_ALLOCATOR_H

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace kite {

/// Serve large blocks from the heap and keep up to 1 GiB of freed memory.
inline void keepFreedMemory() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

} // namespace kite

#endif // KITE_SUPPORT_ALLOCATOR_H
