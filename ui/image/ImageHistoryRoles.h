#pragma once
// What each entry of the Image dock's history strip (a QListWidgetItem) keeps, by data role:
// shared by ImagePanel.cpp and ImagePanelWork.cpp.
#include <Qt>

namespace ms::image_history {

constexpr int kImageRole = Qt::UserRole;
constexpr int kJobRole = Qt::UserRole + 1;       // the id of the ImageJob that made it (m_historyJobs)
constexpr int kTokensRole = Qt::UserRole + 2;    // its attention tokens, when computed
constexpr int kMapsRole = Qt::UserRole + 3;      // and their maps
constexpr int kIndexRole = Qt::UserRole + 4;     // its place in the job's batch (Batch > 1)

}  // namespace ms::image_history
