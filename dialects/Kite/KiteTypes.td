//===- KiteTypes.td - kite dialect types -------------------*- tablegen -*-===//

#ifndef KITE_TYPES_TD
#define KITE_TYPES_TD

include "dialects/Kite/KiteDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

class Kite_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Kite_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def Kite_LPType : Kite_Type<"LP", "lp"> {
  let summary = "logarithmic posit number LP<n, es, rs, sf>";
  let description = [{
    An `n`-bit logarithmic posit (Ramachandran et al., arXiv 2403.05465).
    The word `0...0` is zero and `10...0` is NaR; negative words are the
    two's complement of the positive word of the same magnitude. For a
    positive word, after the sign bit:

    * the regime is a run of `m` identical bits `r`, ended by the opposite
      bit, by reaching the cap `rs` (then there is no terminating bit) or by
      the end of the word; `k = m - 1` if `r = 1`, `k = -m` if `r = 0`;
    * the next `es` bits are the exponent `e` (bits past the end read as 0);
    * the remaining bits `f` are an unsigned fixed-point fraction in [0, 1)
      holding the **log2 of the significand**;
    * value = (-1)^s * 2^(k * 2^es + e + f - sf).

    Parameters and their valid ranges (the verifier enforces them):

    | parameter | meaning | valid |
    | --- | --- | --- |
    | `n`  | word width in bits | 2 ... 16 |
    | `es` | exponent bits | 0 ... 4 |
    | `rs` | regime run-length cap | 1 ... n - 1 |
    | `sf` | integer scale factor (shifts the whole range by 2^-sf) | -64 ... 64 |

    `rs = n - 1, sf = 0` is the standard posit structure with a log-domain
    fraction. `sf` is an integer, so scaling by it is exact.

    Example: `tensor<16x16x!kite.lp<8, 1, 7, 0>>`.
  }];
  let parameters = (ins "unsigned":$n, "unsigned":$es, "unsigned":$rs,
                        "int":$sf);
  let assemblyFormat = "`<` $n `,` $es `,` $rs `,` $sf `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    ::kite::numerics::LPFormat getFormat() const {
      return {getN(), getEs(), getRs(), getSf()};
    }
  }];
}

#endif // KITE_TYPES_TD
