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

# A libFuzzer target (tools/kite-fuzz-*, scripts/fuzz). Outside a KITE_FUZZ
# build it links FuzzReplay.cpp instead: the suite runs the committed seeds
# through it, and the target keeps compiling.
function(add_kite_fuzzer name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS" ${ARGN})
  if(KITE_FUZZ)
    add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
    target_compile_definitions(${name} PRIVATE KITE_LIBFUZZER)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${name} ${ARG_UNPARSED_ARGUMENTS}
      ${KITE_SOURCE_DIR}/tools/FuzzReplay.cpp)
  endif()
  llvm_update_compile_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS})
endfunction()
