# Finds LibTorch (Debian's libtorch-dev, or the one inside a Python torch install via
# CMAKE_PREFIX_PATH=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'))
# and wraps it as the imported target maskstudio::torch with SYSTEM includes, so that
# -Werror on our targets does not trip over warnings inside torch headers.
find_package(Torch REQUIRED)
if(NOT TARGET maskstudio_torch)
  add_library(maskstudio_torch INTERFACE)
  add_library(maskstudio::torch ALIAS maskstudio_torch)
  target_include_directories(maskstudio_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
  target_link_libraries(maskstudio_torch INTERFACE ${TORCH_LIBRARIES})
  separate_arguments(_ms_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
  target_compile_options(maskstudio_torch INTERFACE ${_ms_torch_flags})
  if(TORCH_CUDA_LIBRARIES OR CUDA_FOUND)
    target_compile_definitions(maskstudio_torch INTERFACE MASKSTUDIO_TORCH_HAS_CUDA=1)
  endif()
endif()
