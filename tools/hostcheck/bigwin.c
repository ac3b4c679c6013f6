/* SPDX-License-Identifier: ISC
 *
 * LD_PRELOAD shim for jalv.qt5: its generic window is fixed at 800x600 with
 * scroll bars; a larger minimum lets one screenshot show every control.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
typedef void (*setter)(void*, int);
void _ZN7QWidget16setMinimumHeightEi(void* self, int h) {
	setter f = (setter)dlsym(RTLD_NEXT, "_ZN7QWidget16setMinimumHeightEi");
	f(self, h == 600 ? 1000 : h);
}
void _ZN7QWidget15setMinimumWidthEi(void* self, int w) {
	setter f = (setter)dlsym(RTLD_NEXT, "_ZN7QWidget15setMinimumWidthEi");
	f(self, w == 800 ? 1300 : w);
}
