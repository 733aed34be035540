/* SPDX-License-Identifier: MIT */
#include "kvm_stats.h"

#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

int64_t kvm_stat(int fd, const char *name)
{
	struct kvm_stats_header h;
	int sfd = ioctl(fd, KVM_GET_STATS_FD, NULL);
	size_t dsize;
	char *descs = NULL;
	int64_t value = -1;

	if (sfd < 0)
		return -1;
	if (pread(sfd, &h, sizeof(h), 0) != sizeof(h) || h.num_desc > 4096 || h.name_size > 256)
		goto out;
	dsize = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = xcalloc(h.num_desc, dsize);
	if (pread(sfd, descs, h.num_desc * dsize, h.desc_offset) != (ssize_t)(h.num_desc * dsize))
		goto out;
	for (uint32_t i = 0; i < h.num_desc; i++) {
		struct kvm_stats_desc *d = (struct kvm_stats_desc *)(descs + i * dsize);
		uint64_t v;

		if (strncmp(d->name, name, h.name_size))
			continue;
		if (pread(sfd, &v, sizeof(v), h.data_offset + d->offset) == sizeof(v))
			value = (int64_t)v;
		break;
	}
out:
	free(descs);
	close(sfd);
	return value;
}
