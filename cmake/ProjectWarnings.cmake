# Warnings as errors on the project's own targets; third-party headers come in as SYSTEM.
# A build against another LibTorch release (e.g. the CUDA one of a Python torch install, see
# tests/gpu/cuda-check.sh) may deprecate APIs we use: it turns the errors off and keeps the warnings.
option(MASKSTUDIO_WARNINGS_AS_ERRORS "Treat compiler warnings in the project's own code as errors" ON)
function(maskstudio_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
  if(MASKSTUDIO_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
