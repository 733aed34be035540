/* SPDX-License-Identifier: MIT */
/* Message signalled interrupts: the address (SDM Vol. 3A 11.11.1) and data (11.11.2) an MSI
 * writes, which an IOAPIC with --irqchip split also sends. Fields indented under each word. */
#ifndef IRQLAB_X86_MSI_H
#define IRQLAB_X86_MSI_H

#ifndef BIT
#define BIT(n) (1u << (n))
#endif

/* address */
#define MSI_ADDR_BASE               0xFEE00000u
#define   MSI_ADDR_BASE_MASK          0xFFF00000u /* bits 31:20 must be 0xFEE */
#define   MSI_ADDR_DEST_SHIFT         12          /* destination ID, bits 19:12 */
#define   MSI_ADDR_DEST_MASK          0xFFu
#define   MSI_ADDR_RH                 BIT(3)      /* redirection hint */
#define   MSI_ADDR_DM_LOGICAL         BIT(2)
/* data */
#define   MSI_DATA_VECTOR_MASK        0xFFu
#define   MSI_DATA_DM_SHIFT           8           /* bits 10:8, as the ICR's */
#define   MSI_DATA_DM_MASK            7u
#define   MSI_DATA_LEVEL_ASSERT       BIT(14)
#define   MSI_DATA_TRIGGER_LEVEL      BIT(15)

#endif
