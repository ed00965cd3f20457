# Warnings as errors on the project's own targets; third-party headers come in as SYSTEM.
function(maskstudio_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
    -Wno-unused-parameter)
endfunction()
