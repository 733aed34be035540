/* SPDX-License-Identifier: MIT */
/* The guest at its first instruction (guest_state.h): which kind of image it is, then RAM and
 * the BSP as that kind expects them. */
#include "guest_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/layout.h"
#include "abi/pvport.h"
#include "acpi.h"
#include "boot32.h"
#include "boot64.h"
#include "load_mb.h"
#include "mb_info.h"
#include "trace.h"
#include "util.h"
#include "vcpu.h"

bool guest_state_is_multiboot(const struct image *img, struct opts *o, struct elf_image *elf)
{
	struct reason why = { "" }, mbwhy = { "" };

	if (!o->boot && !elf_parse(img->data, img->len, o->mem_size, elf, &why))
		return false;
	if (!o->boot && (!elf_has_magic(img->data, img->len) || mb_find_header(img->data, img->len) < 0))
		die(EXIT_USAGE, "%s: %s", img->path, why.text);
	if (!o->mem_given)
		o->mem_size = CLI_BOOT_DEFAULT_MEM;  /* `run` too: multiboot kernels expect 128 MiB */
	if (mb_parse(img->data, img->len, o->mem_size, elf, &mbwhy))
		die(EXIT_USAGE, "%s: %s", img->path, mbwhy.text);
	return true;
}

void guest_state_native(struct vm *vm, const struct image *img, const struct elf_image *elf)
{
	struct pv_boot params = {
		.magic = PV_BOOT_MAGIC, .version = PV_VERSION, .ncpus = (uint16_t)vm->ncpus,
		.flags = vm->split_irqchip ? PV_BOOT_SPLIT_IRQCHIP : 0, .tsc_khz = vm->tsc_khz,
		.mem_bytes = vm->mem.size, .max_cpus = (uint32_t)vm->ncpus,
		.mce_banks = (uint32_t)vm->mce_banks,
	};

	if (trace_active) {
		params.flags |= PV_BOOT_TRACE;        /* the guest fills its trace rings */
		trace_set_tsc_khz(vm->tsc_khz);
	}

	elf_load(img->data, elf, &vm->mem);           /* PT_LOAD segments at their physical addresses */
	boot64_write_tables(&vm->mem);                /* identity map + GDT */
	boot64_write_params(&vm->mem, &params);       /* what the guest learns about its machine */
	vcpu_setup_bsp64(&vm->vcpus[0], elf->entry);  /* BSP in long mode; APs wait for INIT */
}

void guest_state_multiboot(struct vm *vm, const struct image *img, const struct elf_image *elf,
			   const struct opts *o)
{
	struct image initrd = { 0 };
	const char *name = strrchr(img->path, '/') ? strrchr(img->path, '/') + 1 : img->path;
	char *cmdline = xcalloc(1, strlen(name) + (o->append ? strlen(o->append) : 0) + 2);
	struct mb_args args = { .cmdline = cmdline };
	struct reason why = { "" };

	sprintf(cmdline, "%s%s%s", name, o->append ? " " : "", o->append ? o->append : "");
	if (o->initrd) {
		if (image_read(&initrd, o->initrd, vm->mem.size, &why))
			die(EXIT_USAGE, "--initrd %s", why.text);
		args = (struct mb_args){ cmdline, initrd.data ? initrd.data : (const uint8_t *)"", initrd.len,
					 o->initrd }; /* an empty file is still a module */
	}
	elf_load(img->data, elf, &vm->mem);           /* the kernel at its load addresses */
	boot32_write_gdt(&vm->mem);                   /* flat segments for the 32-bit entry */
	if (mb_info_write(&vm->mem, mb_image_end(elf), &args, &why) ||
	    acpi_write(&vm->mem, vm->ncpus, &why))           /* RSDP, RSDT, FADT, MADT */
		die(EXIT_USAGE, "%s: %s", img->path, why.text);
	vcpu_setup_bsp32(&vm->vcpus[0], (uint32_t)elf->entry, LAYOUT_MB_INFO);
	image_free(&initrd);
	free(cmdline);
}
