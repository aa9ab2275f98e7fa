"""The default checklists in Chinese (a general one and one per main risk), each as its version 1."""
from django.db import migrations

GENERAL = [
    ("workshop", "生产车间", True, ["安全操作规程上墙并落实", "设备防护装置完好", "通道畅通、无物品占道", "特种作业人员持证上岗"]),
    ("warehouse", "仓库", True, ["物品分类分区存放，堆垛间距符合要求", "仓库内无违规住人", "库房照明使用防爆或冷光源灯具"]),
    ("fire", "消防通道和器材", True, ["安全出口、疏散通道畅通，未上锁", "灭火器在有效期内且压力正常", "应急照明和疏散指示标志完好",
                                  "消防栓水带齐全、无遮挡"]),
    ("electrical", "电气线路", True, ["无私拉乱接电线", "配电箱（柜）完好并上锁", "电动车未在室内或楼道充电"]),
    ("hazmat", "危险物品", False, ["危险化学品专库专人管理", "出入库台账完整", "安全技术说明书齐全"]),
    ("dormitory", "员工宿舍", False, ["宿舍无违规使用大功率电器", "宿舍与生产、仓储区域分隔", "宿舍逃生通道畅通"]),
    ("security", "安保和出入管理", True, ["门卫值守和外来人员登记落实", "监控设备运行正常、录像保存30天以上", "重点部位有人防、物防、技防措施"]),
]
HAZMAT = [
    ("hazmat", "危险化学品储存", True, ["危化品专库专储，双人双锁", "禁忌物料分开存放", "储存量不超过核定数量",
                                    "可燃气体报警装置运行正常"]),
    ("workshop", "生产车间", True, ["危险工艺自动化控制装置正常", "作业人员按规定佩戴防护用品", "车间通风良好"]),
    ("fire", "消防通道和器材", True, ["安全出口、疏散通道畅通，未上锁", "灭火器、消防栓完好有效", "应急救援器材和洗眼器完好"]),
    ("electrical", "电气线路", True, ["防爆区域使用防爆电气设备", "静电接地装置完好"]),
    ("security", "安保和出入管理", True, ["危化品出入库登记和流向管理落实", "重点部位视频监控全覆盖"]),
    ("dormitory", "员工宿舍", False, ["宿舍与危化品储存区保持安全距离"]),
]
WAREHOUSE = [
    ("warehouse", "仓储区", True, ["堆垛高度和间距符合要求", "防火分区和防火门完好", "库内无违规用火用电", "叉车等充电区域独立设置"]),
    ("fire", "消防通道和器材", True, ["消防车通道畅通", "自动喷淋和火灾报警系统运行正常", "灭火器、消防栓完好有效"]),
    ("electrical", "电气线路", True, ["库房内电气线路穿管保护", "下班后切断库房非必要电源"]),
    ("security", "安保和出入管理", True, ["车辆和人员出入登记", "周界和监控设施完好", "夜间巡查记录完整"]),
    ("workshop", "分拣作业区", False, ["作业区通道畅通", "装卸设备定期检验"]),
]
CROWD = [
    ("workshop", "生产车间", True, ["人员密集区域疏散通道畅通", "车间人数与疏散能力相适应", "设备防护装置完好"]),
    ("dormitory", "员工宿舍", True, ["宿舍无违规使用大功率电器", "宿舍逃生通道畅通，窗户无封闭防盗网", "宿舍管理员值守"]),
    ("fire", "消防通道和器材", True, ["安全出口数量足够、未上锁", "应急照明和疏散指示标志完好", "定期组织疏散演练"]),
    ("electrical", "电气线路", True, ["无私拉乱接电线", "电动车集中充电，未进楼入户"]),
    ("security", "安保和出入管理", True, ["门卫值守和外来人员登记落实", "食堂等人员聚集场所有安保措施"]),
]
DEFAULTS = [
    ("通用安全检查表", "", "", "适用于各类企业的常态化安全检查", GENERAL),
    ("危险化学品企业检查表", "", "hazmat", "储存、使用危险化学品的重点企业", HAZMAT),
    ("大型仓储企业检查表", "", "warehouse", "大型仓储、物流企业", WAREHOUSE),
    ("人员密集企业检查表", "", "crowd", "员工多、宿舍集中的企业", CROWD),
]


def load(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Version = apps.get_model("inspections", "ChecklistVersion")
    Area = apps.get_model("inspections", "ChecklistArea")
    Item = apps.get_model("inspections", "ChecklistItem")
    for name, industry, risk, description, areas in DEFAULTS:
        template, created = Template.objects.get_or_create(
            name=name, defaults={"industry": industry, "risk_category": risk, "description": description})
        if not created:
            continue
        version = Version.objects.create(template=template, number=1, note="系统预置")
        for order, (kind, area_name, required, items) in enumerate(areas, 1):
            area = Area.objects.create(version=version, order=order, kind=kind, name=area_name, required=required)
            Item.objects.bulk_create(Item(area=area, order=n, text=text) for n, text in enumerate(items, 1))


def unload(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    for name, *_rest in DEFAULTS:
        template = Template.objects.filter(name=name, versions__inspections__isnull=True).distinct().first()
        if template is not None:
            template.versions.all().delete()
            template.delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
