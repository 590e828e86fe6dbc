"""Chinese labels of the cultivation app's codes, registered with the kernel (boards.kernel.labels)."""

SUBJECTS = {"cultivation.listing": "上市培育", "cultivation": "上市培育与运行评价"}

LABELS = {
    "cultivation.listing": "上市培育进展",
    "cultivation.listing.enrolled": "上市培育：纳入培育",
    "cultivation.listing.advanced": "上市培育：登记培育节点",
    "cultivation.listing.firm_assigned": "上市培育：确定服务券商",
    "cultivation.listing.withdrawn": "上市培育：终止培育",
}
