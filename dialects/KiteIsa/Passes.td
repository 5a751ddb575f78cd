//===- Passes.td - kite_isa passes -------------------------*- tablegen -*-===//

#ifndef KITE_ISA_PASSES_TD
#define KITE_ISA_PASSES_TD

include "mlir/Pass/PassBase.td"

def KiteIsaScheduleDma : Pass<"kite-isa-schedule-dma", "::kite::kiteisa::ProgramOp"> {
  let summary = "Issue every DMA load and im2col as early as its dependences allow";
  let description = [{
    The accelerator runs its DMA engine, MAC array and vector unit side by
    side, each taking its own instructions in program order; a scoreboard
    holds an instruction until the bytes it reads are written and the bytes
    it writes are no longer read. A lowering that emits each tile's loads
    right before its `mma` leaves the DMA engine idle while the array works:
    the next tile's loads queue behind this tile's drain (`store_acc`, also
    a DMA instruction), which waits for the `mma`.

    This pass moves each `dma_load` and `im2col` (the DMA engine's other
    producer) up, past every instruction that neither writes the bytes it
    reads nor touches the bytes it writes (vector instructions count as
    reading all of memory), stopping at the previous load or im2col (they
    keep their order)
    and at any instruction whose effects it does not know. (`data`, `input`
    and `output` too: the lowering puts them first and last). With the
    lowering's ping-pong halves this is double buffering: the next tile's
    operands fill one half while the array reads the other, and the next
    image's patches are built while the array works on this one's.

    The program computes the same values (nothing that depends on a load
    moves across it); only the cycle count changes.

    Example:

    ```mlir
    kite_isa.dma_load {src = 0, space = 1, dst = 0, ...}
    kite_isa.mma {a = 0, ...}
    kite_isa.store_acc {src = 0, dst = 4096, ...}
    kite_isa.dma_load {src = 64, space = 1, dst = 128, ...}
    ```

    becomes

    ```mlir
    kite_isa.dma_load {src = 0, space = 1, dst = 0, ...}
    kite_isa.dma_load {src = 64, space = 1, dst = 128, ...}
    kite_isa.mma {a = 0, ...}
    kite_isa.store_acc {src = 0, dst = 4096, ...}
    ```
  }];
}

#endif // KITE_ISA_PASSES_TD
