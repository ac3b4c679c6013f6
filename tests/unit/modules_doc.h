/* SPDX-License-Identifier: ISC
 *
 * docs/modules.md, generated from the module registry and the DSP figures
 * measured by the unit tests.
 */
#ifndef CHRONUS_MODULES_DOC_H
#define CHRONUS_MODULES_DOC_H

#include <stdio.h>

void modules_doc_write(FILE* out);

#endif
