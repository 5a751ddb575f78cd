//===- Passes.td - kite dialect passes ---------------------*- tablegen -*-===//
//
// The passes on the kite dialect, one file per concern, in pipeline order.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_PASSES_TD
#define KITE_PASSES_TD

include "GraphPasses.td"
include "QuantizationPasses.td"
include "SparsityPasses.td"
include "PlanPasses.td"
include "LoweringPasses.td"

#endif // KITE_PASSES_TD
