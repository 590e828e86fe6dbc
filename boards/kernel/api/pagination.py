from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NameCursorPagination(CursorPagination):
    """Keyset pages in (name, id) order: no COUNT and no OFFSET, so a page costs the same at 1k
    and at 100k rows (the list is how an institution syncs a whole board). Follow ``next``."""

    ordering = ("name", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = "分页游标无效：请使用上一页返回的 next 或 previous 链接。"
