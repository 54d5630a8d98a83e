from ninja import Router

router = Router(tags=["Cơ quan"])
units_router = Router(tags=["Đơn vị hành chính"])
