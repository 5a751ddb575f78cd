// Parses a kite type through the installed library and prints the default
// target's array size.
#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Target/KnownTargets.h"
#include "mlir/AsmParser/AsmParser.h"
#include "llvm/Support/raw_ostream.h"

int main() {
  mlir::MLIRContext ctx;
  ctx.loadDialect<kite::KiteDialect>();
  mlir::Type type = mlir::parseType("!kite.lp<8, 1, 7, 0>", &ctx);
  kite::TargetAttr target = kite::getDefaultTarget(&ctx);
  llvm::outs() << type << " " << target.getName() << " "
               << target.getArrayRows() << "x" << target.getArrayCols() << "\n";
  return type && target ? 0 : 1;
}
