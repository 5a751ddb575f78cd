//===- SimulatorCostModel.h - the simulator as a cost model -----*- C++ -*-===//
//
// The "simulator" cost model: a candidate is lowered to kite_isa, its DMA
// scheduled, and run once on the target's simulator (zeros in: cycles and
// energy do not depend on the data). It lives apart from the searches so
// that the IR libraries need not link the simulator; tools that do call
// registerSimulatorCostModel once.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_COSTMODEL_SIMULATORCOSTMODEL_H
#define KITE_COSTMODEL_SIMULATORCOSTMODEL_H

namespace kite {

void registerSimulatorCostModel();

} // namespace kite

#endif // KITE_COSTMODEL_SIMULATORCOSTMODEL_H
