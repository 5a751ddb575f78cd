# Helpers shared by the Kite CMake files.

# A sanitized build's libraries need the sanitizer runtimes wherever they
# are linked, an installed package's consumers included.
function(kite_export_sanitizer name)
  if(KITE_SANITIZE)
    target_link_options(${name} INTERFACE ${KITE_SANITIZER_FLAGS})
  endif()
endfunction()

# An MLIR-based library, installed and exported in KiteTargets.
function(add_kite_mlir_library name)
  add_mlir_library(${name} ${ARGN} DISABLE_INSTALL)
  target_include_directories(${name} INTERFACE $<INSTALL_INTERFACE:include>)
  kite_export_sanitizer(${name})
  install(TARGETS ${name} EXPORT KiteTargets ARCHIVE DESTINATION lib)
endfunction()

# A plain C++ library with no MLIR dependency (Numerics, Runtime).
function(add_kite_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${KITE_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  kite_export_sanitizer(${name})
  install(TARGETS ${name} EXPORT KiteTargets ARCHIVE DESTINATION lib)
endfunction()
