#pragma once
// The one precompiled header shared by every torch target: the narrow torch headers the
// engine uses, never <torch/torch.h>.
#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>
