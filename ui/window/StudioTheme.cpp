#include "ui/window/StudioTheme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace ms {

void applyStudioTheme(const QString& theme) {
    if (theme == QLatin1String("system")) {
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    if (theme == QLatin1String("dark")) {
        const QColor window(45, 45, 48), base(30, 30, 32), text(225, 225, 225);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, window);
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, window);
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::ToolTipBase, base);
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::PlaceholderText, QColor(140, 140, 140));
        p.setColor(QPalette::Highlight, QColor(80, 160, 230));
        p.setColor(QPalette::HighlightedText, Qt::black);
        p.setColor(QPalette::Mid, QColor(110, 110, 110));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
    } else {
        p = QApplication::style()->standardPalette();
    }
    QApplication::setPalette(p);
}

}  // namespace ms
