/* SPDX-License-Identifier: BSD-2-Clause */
/* PNG output of a QR code through libpng's simplified API. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <png.h>

#include "cli.h"
#include "png.h"
#include "twofa/mem.h"

int png_write_qr(const struct twofa_qr *qr, const char *path)
{
	png_image image;
	unsigned side = (qr->width + 2 * TWOFA_QR_QUIET) * PNG_SCALE;
	unsigned char *pixels = NULL;
	size_t npix = (size_t)side * side;
	FILE *f = NULL;
	unsigned x, y;
	int fd = -1, created = 0, ret = EXIT_SYSTEM;

	pixels = malloc(npix);
	if (pixels == NULL) {
		cli_error("%s: out of memory", path);
		goto out;
	}
	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x++) {
			unsigned mx = x / PNG_SCALE, my = y / PNG_SCALE;
			int dark = 0;

			if (mx >= TWOFA_QR_QUIET && my >= TWOFA_QR_QUIET &&
			    mx - TWOFA_QR_QUIET < qr->width &&
			    my - TWOFA_QR_QUIET < qr->width)
				dark =
				    qr->modules[(size_t)(my - TWOFA_QR_QUIET) *
						    qr->width +
						(mx - TWOFA_QR_QUIET)] &
				    1;
			pixels[(size_t)y * side + x] = dark ? 0 : 255;
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		cli_error("%s: cannot create PNG file: %s", path,
			  errno == EEXIST ? "it exists (remove it first)"
					  : strerror(errno));
		goto out;
	}
	created = 1;
	f = fdopen(fd, "wb");
	if (f == NULL) {
		cli_error("%s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	memset(&image, 0, sizeof(image));
	image.version = PNG_IMAGE_VERSION;
	image.width = side;
	image.height = side;
	image.format = PNG_FORMAT_GRAY;
	if (!png_image_write_to_stdio(&image, f, 0, pixels, (png_int_32)side,
				      NULL)) {
		cli_error("%s: cannot write PNG: %s", path, image.message);
		goto out;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		cli_error("%s: cannot write PNG: %s", path, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		cli_error("%s: cannot write PNG: %s", path, strerror(errno));
		goto out;
	}
	f = NULL;
	ret = 0;
out:
	if (ret != 0 && created)
		unlink(path); /* nothing half-written is left */
	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (pixels != NULL)
		twofa_freezero(pixels, npix);
	return ret;
}
