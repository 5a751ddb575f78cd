//===- HtmlReport.cpp - kitec --report-html -------------------------------===//
//
// The JSON report (docs/report.md) drawn for people: one self-contained
// HTML file, inline SVG and CSS, no script and nothing fetched. The
// Pareto plot of --optimize's front with the baselines marked, the energy
// by unit, and the per-layer table.
//
//===----------------------------------------------------------------------===//

#include "Kitec.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>
#include <cmath>

using namespace kite;
using namespace kite::kitec;
using llvm::json::Object;

namespace {
std::string escape(llvm::StringRef text) {
  std::string out;
  llvm::raw_string_ostream os(out);
  llvm::printHTMLEscaped(text, os);
  return out;
}

double number(const Object &o, llvm::StringRef key) {
  return o.getNumber(key).value_or(0);
}

/// A point of the Pareto plot.
struct Mark {
  std::string label; ///< the points other than the front's
  double cost, score;
  enum Kind { Front, Base, Alone, Chosen } kind;
};

/// Accuracy (score) against cost relative to the INT8 base.
void paretoPlot(llvm::raw_ostream &os, const Object &opt) {
  std::string objective = opt.getString("objective").value_or("edp").str();
  std::string costKey = objective == "energy"    ? "energy_vs_base"
                        : objective == "latency" ? "seconds_vs_base"
                                                 : "edp_vs_base";
  std::vector<Mark> marks;
  if (const llvm::json::Array *front = opt.getArray("front"))
    for (const llvm::json::Value &v : *front)
      marks.push_back({"", number(*v.getAsObject(), costKey),
                       number(*v.getAsObject(), "score"), Mark::Front});
  if (const Object *base = opt.getObject("base"))
    marks.push_back({"INT8 base", 1.0, number(*base, "score"), Mark::Base});
  if (const llvm::json::Array *single = opt.getArray("single_technique"))
    for (const llvm::json::Value &v : *single)
      if (const Object *p = v.getAsObject()->getObject("point"))
        marks.push_back(
            {(*v.getAsObject()->getString("technique") + " alone").str(),
             number(*p, costKey), number(*p, "score"), Mark::Alone});
  if (const Object *chosen = opt.getObject("chosen"))
    marks.push_back({"chosen", number(*chosen, costKey),
                     number(*chosen, "score"), Mark::Chosen});
  if (marks.empty())
    return;
  double lo = 1, hi = 0, cmin = 1, cmax = 0;
  for (const Mark &m : marks) {
    lo = std::min(lo, m.score);
    hi = std::max(hi, m.score);
    cmin = std::min(cmin, m.cost);
    cmax = std::max(cmax, m.cost);
  }
  lo = std::floor(lo * 10) / 10;
  hi = std::min(1.0, std::ceil(hi * 100) / 100 + 0.01);
  cmin = std::max(0.0, std::floor(cmin * 20) / 20 - 0.05);
  cmax = std::ceil(cmax * 20) / 20 + 0.05;
  const double w = 720, h = 400, left = 60, right = 20, top = 20, bottom = 50;
  auto x = [&](double c) {
    return left + (c - cmin) / (cmax - cmin) * (w - left - right);
  };
  auto y = [&](double s) {
    return top + (hi - s) / std::max(hi - lo, 1e-9) * (h - top - bottom);
  };
  os << llvm::formatv("<svg viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
                      "height=\"{1}\" role=\"img\" aria-label=\"Pareto "
                      "front\">\n",
                      w, h);
  // Axes, ticks and the budget line.
  os << llvm::formatv("<line x1='{0}' y1='{1}' x2='{2}' y2='{1}' "
                      "class='axis'/><line x1='{0}' y1='{3}' x2='{0}' "
                      "y2='{1}' class='axis'/>\n",
                      left, h - bottom, w - right, top);
  for (int i = 0; i <= 5; ++i) {
    double c = cmin + (cmax - cmin) * i / 5, s = lo + (hi - lo) * i / 5;
    os << llvm::formatv("<text x='{0}' y='{1}' class='tick' "
                        "text-anchor='middle'>{2:f2}</text>\n",
                        x(c), h - bottom + 16, c);
    os << llvm::formatv("<text x='{0}' y='{1}' class='tick' "
                        "text-anchor='end'>{2:f2}</text>\n",
                        left - 6, y(s) + 4, s);
  }
  os << llvm::formatv("<text x='{0}' y='{1}' text-anchor='middle'>{2} "
                      "relative to the INT8 base</text>\n",
                      (left + w - right) / 2, h - 10,
                      objective == "energy"    ? "energy"
                      : objective == "latency" ? "run time"
                                               : "EDP");
  os << llvm::formatv("<text x='14' y='{0}' text-anchor='middle' "
                      "transform='rotate(-90 14 {0})'>{1}</text>\n",
                      (top + h - bottom) / 2,
                      escape(opt.getString("metric").value_or("score")));
  if (const Object *f = opt.getObject("float")) {
    double floor = number(*f, "score") - number(opt, "max_drop");
    if (floor >= lo && floor <= hi)
      os << llvm::formatv("<line x1='{0}' y1='{1}' x2='{2}' y2='{1}' "
                          "class='budget'/><text x='{2}' y='{3}' "
                          "class='tick' text-anchor='end'>budget</text>\n",
                          left, y(floor), w - right, y(floor) - 4);
  }
  // The line joins the front's best score at each cost; the dots off it
  // are there for their soft score.
  std::string path;
  double best = -1;
  for (const Mark &m : marks)
    if (m.kind == Mark::Front && m.score > best) {
      best = m.score;
      path += llvm::formatv("{0}{1:f1},{2:f1}", path.empty() ? "" : " ",
                            x(m.cost), y(m.score))
                  .str();
    }
  os << "<polyline class='front' points='" << path << "'/>\n";
  for (const Mark &m : marks) {
    double px = x(m.cost), py = y(m.score);
    switch (m.kind) {
    case Mark::Front:
      os << llvm::formatv("<circle cx='{0:f1}' cy='{1:f1}' r='4' "
                          "class='front-point'/>\n",
                          px, py);
      break;
    case Mark::Base:
      os << llvm::formatv("<rect x='{0:f1}' y='{1:f1}' width='9' "
                          "height='9' class='base'/>\n",
                          px - 4.5, py - 4.5);
      break;
    case Mark::Alone:
      os << llvm::formatv("<path d='M {0:f1} {1:f1} l 6 10 l -12 0 z' "
                          "class='alone'/>\n",
                          px, py - 6);
      break;
    case Mark::Chosen:
      os << llvm::formatv("<circle cx='{0:f1}' cy='{1:f1}' r='9' "
                          "class='chosen'/>\n",
                          px, py);
      break;
    }
  }
  os << "</svg>\n";
  // The marked points with their numbers; the plot alone overlaps them.
  os << "<table><thead><tr><th>point</th><th>score</th><th>cost relative "
        "to the base</th></tr></thead><tbody>\n";
  for (const Mark &m : marks)
    if (m.kind != Mark::Front)
      os << llvm::formatv("<tr><td>{0}</td><td class='n'>{1:f4}</td>"
                          "<td class='n'>{2:f3}</td></tr>\n",
                          escape(m.label), m.score, m.cost);
  os << "</tbody></table>\n";
}

/// Energy by unit: one stacked bar and its legend.
void energyChart(llvm::raw_ostream &os, const Object &totals) {
  const Object *by = totals.getObject("energy_by_component_j");
  if (!by)
    return;
  struct Group {
    const char *name, *color;
    double joules = 0;
  } groups[] = {{"MAC array", "#3b6fb6"},
                {"LUT + vector units", "#e39b2d"},
                {"scratchpad + buffers", "#5aa05a"},
                {"DRAM", "#c0504d"},
                {"host", "#8064a2"}};
  for (const auto &[key, value] : *by) {
    llvm::StringRef k = key;
    double j = value.getAsNumber().value_or(0);
    size_t g = k.starts_with("mac ")           ? 0
               : k == "lut" || k == "vector"   ? 1
               : k == "scratch" || k == "sram" ? 2
               : k == "dram"                   ? 3
                                               : 4;
    groups[g].joules += j;
  }
  double total = 0;
  for (const Group &g : groups)
    total += g.joules;
  if (total <= 0)
    return;
  const double w = 720, barH = 36;
  os << llvm::formatv("<svg viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
                      "height=\"{1}\" role=\"img\" aria-label=\"energy by "
                      "unit\">\n",
                      w, barH + 24 * 5 + 10);
  double at = 0;
  for (const Group &g : groups) {
    double width = g.joules / total * w;
    os << llvm::formatv("<rect x='{0:f2}' y='0' width='{1:f2}' height='{2}' "
                        "fill='{3}'/>\n",
                        at, width, barH, g.color);
    at += width;
  }
  for (auto [i, g] : llvm::enumerate(groups)) {
    double yy = barH + 20 + 24 * double(i);
    os << llvm::formatv("<rect x='0' y='{0}' width='14' height='14' "
                        "fill='{1}'/><text x='22' y='{2}'>{3}: {4:e3} J "
                        "({5:f1} %)</text>\n",
                        yy - 12, g.color, yy, g.name, g.joules,
                        100 * g.joules / total);
  }
  os << "</svg>\n";
}

void layerTable(llvm::raw_ostream &os, const llvm::json::Array &layers,
                double totalJ) {
  os << "<table><thead><tr><th>#</th><th>op</th><th>result</th>"
        "<th>format</th><th>multiplier</th><th>N:M</th><th>MACs</th>"
        "<th>cycles</th><th>energy (µJ)</th><th>share</th></tr></thead>"
        "<tbody>\n";
  for (const llvm::json::Value &v : layers) {
    const Object &l = *v.getAsObject();
    bool mac = l.get("macs") != nullptr;
    std::string format =
        mac ? (*l.getString("lhs_format") + " × " + *l.getString("rhs_format"))
                  .str()
            : "";
    double j = number(l, "energy_j");
    os << llvm::formatv(
        "<tr{0}><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td>"
        "<td>{6}</td><td class='n'>{7}</td><td class='n'>{8}</td>"
        "<td class='n'>{9:f3}</td><td class='n'>{10:f1} %</td></tr>\n",
        mac ? " class='mac'" : "", l.getInteger("index").value_or(0),
        escape(l.getString("op").value_or("")),
        escape(l.getString("shape").value_or("")), escape(format),
        escape(l.getString("multiplier").value_or("")),
        escape(l.getString("sparsity").value_or("")),
        mac ? std::to_string(*l.getInteger("macs")) : "",
        l.getInteger("cycles").value_or(0), j * 1e6,
        totalJ > 0 ? 100 * j / totalJ : 0.0);
  }
  os << "</tbody></table>\n";
}
} // namespace

int kite::kitec::writeHtmlReport(const Object &report, llvm::StringRef path) {
  std::string error;
  auto file = mlir::openOutputFile(path, &error);
  if (!file)
    return fail(error);
  llvm::raw_ostream &os = file->os();
  const Object *totals = report.getObject("totals");
  std::string model = report.getString("model").value_or("").str();
  os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Kite report: "
     << escape(model) << "</title>\n<style>\n"
     << "body{font:14px/1.4 sans-serif;margin:24px;color:#222;max-width:"
        "1100px}\n"
        "h1{font-size:20px}h2{font-size:16px;margin-top:28px}\n"
        "table{border-collapse:collapse;font-size:12px}\n"
        "th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}"
        "\ntd.n{text-align:right}tr.mac{background:#f3f7fc}\n"
        ".axis{stroke:#444}.tick{font-size:11px;fill:#444}\n"
        ".budget{stroke:#c0504d;stroke-dasharray:5 4}\n"
        ".front{fill:none;stroke:#3b6fb6;stroke-width:1.5}\n"
        ".front-point{fill:#3b6fb6}.base{fill:#222}.alone{fill:#e39b2d}\n"
        ".chosen{fill:none;stroke:#c0504d;stroke-width:2.5}\n"
        "dl{display:grid;grid-template-columns:max-content auto;gap:2px "
        "16px}dt{color:#555}\n"
        "</style></head><body>\n";
  os << "<h1>Kite report: " << escape(model) << "</h1>\n<dl>";
  auto item = [&](llvm::StringRef name, const std::string &value) {
    os << "<dt>" << escape(name) << "</dt><dd>" << escape(value) << "</dd>";
  };
  item("target", report.getString("target").value_or("").str());
  item("binary", report.getString("output").value_or("").str());
  if (totals) {
    item("runs of batch " +
             std::to_string(report.getInteger("batch").value_or(1)),
         std::to_string(totals->getInteger("runs").value_or(0)));
    item("cycles", std::to_string(totals->getInteger("cycles").value_or(0)));
    item("energy", llvm::formatv("{0:e3} J", number(*totals, "energy_j")));
    item("EDP", llvm::formatv("{0:e3} J·s", number(*totals, "edp_js")));
    item("MACs", std::to_string(totals->getInteger("macs").value_or(0)));
  }
  if (const Object *acc = report.getObject("accuracy"))
    item("top-1 (float / compiled)",
         llvm::formatv("{0:f4} / {1:f4} on {2} inputs", number(*acc, "float"),
                       number(*acc, "compiled"),
                       acc->getInteger("samples").value_or(0)));
  os << "</dl>\n";

  if (const Object *opt = report.getObject("optimize")) {
    os << "<h2>Accuracy against cost (kitec --optimize)</h2>\n";
    os << llvm::formatv(
        "<p>{0} plans measured on the calibration inputs; the front is "
        "every point no other beats on cost, {1} and soft score (the mean "
        "probability of the class the {1} counts); the budget is a drop of "
        "at most {2} in both from the float model's. Blue: the front (the "
        "line joins its best {1} at each cost); black square: INT8, exact "
        "multipliers, dense; orange: each technique alone at the same "
        "budget; red ring: the chosen plan (compiled here).</p>\n",
        opt->getInteger("evaluations").value_or(0),
        escape(opt->getString("metric").value_or("score")),
        number(*opt, "max_drop"));
    paretoPlot(os, *opt);
  }
  if (totals) {
    os << "<h2>Energy by unit</h2>\n";
    energyChart(os, *totals);
  }
  if (const llvm::json::Array *layers = report.getArray("layers")) {
    os << "<h2>Layers</h2>\n";
    layerTable(os, *layers, totals ? number(*totals, "energy_j") : 0);
  }
  os << "</body></html>\n";
  file->keep();
  return 0;
}
