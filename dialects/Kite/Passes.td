//===- Passes.td - kite dialect passes ---------------------*- tablegen -*-===//

#ifndef KITE_PASSES_TD
#define KITE_PASSES_TD

include "mlir/Pass/PassBase.td"

def KiteSetTarget : Pass<"kite-set-target", "::mlir::ModuleOp"> {
  let summary = "Attach the accelerator description to the module";
  let description = [{
    Sets the module attribute `kite.target` that every later pass reads. The
    description comes from a JSON file (`file`, schema in `docs/target.md`)
    or, without a file, from the table of built-in targets (`target`).

    A module that already has a `kite.target` keeps it unless `override` is
    set; a file that does not parse or a field out of range is an error
    naming the file and the field.

    Example: `kite-opt --kite-set-target=target=kite-mini` turns

    ```mlir
    module {}
    ```

    into

    ```mlir
    module attributes {kite.target = #kite.target<"kite-mini", clock_mhz = 500,
        array = [8, 8], ...>} {}
    ```
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"kite-v1\"",
           "Name of a built-in target (kite-v1, kite-mini)">,
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "JSON target description to load instead of a built-in target">,
    Option<"override", "override", "bool", /*default=*/"false",
           "Replace a kite.target the module already has">
  ];
}

#endif // KITE_PASSES_TD
