/* SPDX-License-Identifier: GPL-2.0-or-later */
/* version.h: authgate's version, shown by --version and the module. */
#ifndef AG_VERSION_H
#define AG_VERSION_H

#define AUTHGATE_VERSION "0.1.0"

#endif
