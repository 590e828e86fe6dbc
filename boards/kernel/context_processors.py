def current_board(request):
    return {"board": getattr(request, "board", None)}
