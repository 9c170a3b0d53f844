"""Build the demo content: a city education bureau and one of its schools.

The bureau is 泉州市教育局; its texts come from the real work plans in
``shared/seeds`` (泉教办〔2018〕85号 and the tasks the other bureaus list).
The school is a second Wagtail Site on ``school.localhost``, so one install
serves both, each with its own disclosure column and organisation profile.

Run ``python manage.py load_demo`` (add ``--reset`` to rebuild). Later
features add their own content in functions called from ``handle``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from demo.models import HomePage
from govopen_wagtail.management.commands.govopen_import_catalog import SAMPLE
from govopen_wagtail.services.catalog_io import import_catalog
from govopen_wagtail.models import (
    CatalogCategory,
    CatalogPage,
    DisclosureSearchPage,
    DisclosureColumnPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureItemPage,
    DisclosureRulesPage,
    DocumentEffect,
    InterpretationPage,
    Issuer,
    NormativeDocumentIndexPage,
    NormativeDocumentPage,
    OrganisationProfile,
    SubjectCategory,
    ValidityEvent,
)

BUREAU_SLUG = "quanzhou-edu"
SCHOOL_SLUG = "quanzhou-school"
SCHOOL_HOSTNAME = "school.localhost"


def prose_docx(text: str) -> bytes:
    """A plan written in prose (a text export of a Word file) as that Word
    file: one paragraph per paragraph, a paragraph that a page break of the
    export split (no full stop before the gap) joined again."""
    import io
    import re

    from docx import Document

    paragraphs: list[str] = []
    for part in (x.strip() for x in re.split(r"\n\s*\n", text)):
        if not part:
            continue
        if paragraphs and len(paragraphs[-1]) > 60 and not paragraphs[-1].endswith(("。", "）", "：", ":")):
            paragraphs[-1] += part
        else:
            paragraphs.append(part)
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph.replace("\n", ""))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def publish(parent: Page, page: Page, published: dt.datetime | None = None) -> Page:
    """Add ``page`` under ``parent`` and publish it through a revision,
    as an editor would, so index numbers and revisions are real."""
    page.live = False
    if published is not None:
        page.first_published_at = published
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


BUREAU_PROFILE = dict(
    name="泉州市教育局",
    credit_code="11350500003598370M",
    office_name="泉州市教育局办公室",
    address="福建省泉州市丰泽区东海街道行政中心",
    postal_code="362000",
    office_hours="工作日 上午8:00—12:00，下午14:30—17:30（法定节假日除外）",
    phone="0595-22180000",
    fax="0595-22180001",
    email="gk@qzedu.example.cn",
    website="http://127.0.0.1:8000/",
)
SCHOOL_PROFILE = dict(
    name="泉州市实验学校",
    kind="institution",
    credit_code="12350500MB0318276Y",
    office_name="学校办公室",
    address="福建省泉州市鲤城区新华北路",
    postal_code="362000",
    office_hours="工作日 上午8:00—12:00，下午14:30—17:30",
    phone="0595-22990000",
    fax="0595-22990001",
    email="office@qzsy.example.cn",
    website=f"http://{SCHOOL_HOSTNAME}:8000/",
)

SECOND_SCHOOL_SLUG = "quanzhou-school-2"
SECOND_SCHOOL_HOSTNAME = "school2.localhost"
SECOND_SCHOOL_PROFILE = dict(
    name="泉州市第二实验小学",
    kind="institution",
    credit_code="12350500MB03182772",
    office_name="学校办公室",
    address="福建省泉州市丰泽区东湖街",
    postal_code="362000",
    phone="0595-22880000",
    email="office@qzey.example.cn",
    website=f"http://{SECOND_SCHOOL_HOSTNAME}:8000/",
)


DEMO_COLLECTION = "演示附件"


def demo_id(area: str, born: str, sequence: str) -> str:
    """A fictitious identity number with a correct check character (so the
    screening treats it as real), for the privacy demo."""
    from govopen_wagtail.identifiers import id_card_check_character

    first17 = area + born + sequence
    return first17 + id_card_check_character(first17)


def ensure_root() -> Page:
    """The tree's root page, recreated (with the default locale) if a
    ``flush`` removed what Wagtail's migrations put there."""
    root = Page.get_first_root_node()
    if root is None:
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.add_root(instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))
    return root


def set_profile(site: Site, values: dict) -> None:
    profile = OrganisationProfile.for_site(site)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()


PLAN_2018_BODY = p(
    "为贯彻落实国家、省、市关于全面推进政务公开工作的系列部署，大力推进“五公开”，着力加强公开解读回应，"
    "着力推进政务公开平台建设，着力推进政务公开制度化规范化，着力提升政务服务工作实效，助力建设人民满意的服务型机关。",
    "根据《泉州市人民政府办公室关于印发2018年政务公开工作主要任务分解表的通知》（泉政办〔2018〕51号），"
    "结合教育工作实际，制定本实施方案。",
    "坚持以公开为常态、不公开为例外，以公开促落实，以公开促规范，以公开促服务，进一步提升政务公开常态化、"
    "规范化、标准化水平，切实保障人民群众对教育工作的知情权、参与权和监督权。",
)


@dataclass
class Item:
    title: str
    summary: str
    body: str
    generated: dt.date
    unit: str
    code: str = ""  # catalog entry
    formed: dt.date | None = None  # default: the date generated


#: Catalog entries this bureau adds to the compulsory-education sample.
EXTRA_ENTRIES = [
    ("12", "机构职能", "机构职能、内设机构、负责人、办公地址和联系方式", "常态化公开", "组织人事科"),
    ("13", "规划计划", "教育事业发展规划和年度工作计划", "信息形成或变更之日起20个工作日内", "计划财务科"),
]


BUREAU_ITEMS = {
    "机构职能": [
        Item(
            "泉州市教育局主要职责和内设机构",
            "本局依据“三定”方案履行的主要职责、内设机构、负责人、办公地址、办公时间和联系方式。",
            p(
                "依法公开本机关职能和依据的三定方案的文号，主要职责、二级机构设置、负责人姓名、"
                "办公地址、办公时间、联系方式、邮政编码、单位邮箱等信息。",
                "内设机构：办公室、计划财务科、政策法规科、组织人事科、基础教育科、职业与成人教育科、"
                "行政审核审批科、督导室。",
            ),
            dt.date(2026, 3, 2),
            "组织人事科",
            code="12",
        ),
    ],
    "规划计划": [
        Item(
            "泉州市“十四五”教育事业发展专项规划",
            "2021—2025年全市教育事业发展的主要目标、重点任务和保障措施。",
            p(
                "坚持以公开为常态、不公开为例外，及时公开发展规划、重大建设项目批准和实施等信息。",
                "到2025年，学前教育普惠性资源覆盖率、义务教育优质均衡发展和普通高中多样化发展取得新进展。",
            ),
            dt.date(2021, 12, 15),
            "计划财务科",
            code="13",
        ),
    ],
    "财政预决算": [
        Item(
            "泉州市教育局2026年部门预算",
            "市教育局部门预算、本级“三公”经费预算说明及表格。",
            p(
                "根据预算法和政府信息公开条例，现将泉州市教育局2026年部门预算及“三公”经费预算公开如下。",
                "对县区教育转移支付资金分配情况同步公开，确保政策资金流向、使用公开透明。",
            ),
            dt.date(2026, 2, 10),
            "计划财务科",
            code="09-01",
        ),
    ],
    "义务教育": [
        Item(
            "2026年泉州市区义务教育阶段学校招生入学工作意见",
            "市区公办小学、初中招生范围、报名时间、材料要求和随迁子女入学办法。",
            p(
                "坚持免试就近入学，公办学校按划定的服务区招生。",
                "报名时间为2026年7月1日至7月10日，家长通过招生平台网上报名，按要求上传户籍、房产等材料。",
                "进城务工人员随迁子女按“以流入地为主、以公办学校为主”的原则安排入学。",
            ),
            dt.date(2026, 6, 3),
            "基础教育科",
            code="02-01",
        ),
        Item(
            "义务教育控辍保学工作进展情况",
            "全市义务教育控辍保学工作机制、劝返复学情况和下一步措施。",
            p(
                "做好义务教育控辍保学、县域义务教育均衡发展、农村义务教育学生营养改善计划等工作进展情况的公开。",
                "建立健全控辍保学工作台账，对疑似辍学学生逐一核查、逐人劝返。",
            ),
            dt.date(2026, 9, 15),
            "基础教育科",
            code="03-01",
        ),
        Item(
            "泉州市校外培训机构白名单（2026年第三批）",
            "经审核登记的校外培训机构名称、地址、培训类别和收费标准。",
            p(
                "突出做好社会力量办学、校外培训机构管理等信息公开工作。",
                "家长选择校外培训机构时，请核对机构是否列入白名单，并通过监管平台缴费。",
            ),
            dt.date(2026, 10, 20),
            "职业与成人教育科",
            code="07-01",
        ),
    ],
    "学生资助": [
        Item(
            "2026年秋季学期家庭经济困难学生资助政策",
            "学前教育、义务教育、普通高中和中等职业教育各学段资助项目、标准和申请办法。",
            p(
                "重点公开家庭经济困难学生资助政策，确保各项资助政策全面落地见效。",
                "资助申请由学生或家长向就读学校提出，学校组织认定并公示，公示期不少于5个工作日。",
                "公示名单仅含姓名、年级和资助档次，不公开身份证号、家庭住址和联系电话。",
            ),
            dt.date(2026, 9, 1),
            "学生资助管理中心",
            code="04-01",
        ),
    ],
    "更多公开信息": [
        Item("2026年市区公办学校服务区划定范围", "市区各公办小学、初中2026年服务区（划片）范围。",
             p("各校服务区范围详见附表，家长可按户籍和实际居住地查询对应学校。"), dt.date(2026, 5, 20), "基础教育科",
             code="02-02"),
        Item("随迁子女入学办事指南", "随迁子女申请入学的条件、材料和办理流程。",
             p("随迁子女凭居住证和监护人就业证明（或社保缴纳记录）申请入学。",
               '往年政策见<a linktype="page" id="999999">2019年随迁子女入学政策（旧页面）</a>。'),
             dt.date(2026, 6, 10), "基础教育科", code="02-03"),
        Item("2026年市区小学一年级新生录取结果", "各公办小学新生录取人数和咨询电话。",
             p("录取结果已通过招生平台告知家长，咨询电话见各校公告。"), dt.date(2026, 7, 28), "基础教育科",
             code="02-04", formed=dt.date(2026, 7, 25)),
        Item("2026年秋季学期国家助学金受助学生名单公示", "受助学生名单（仅含姓名、年级和资助档次）。",
             p("公示期为5个工作日，对名单有异议的，可向学校学生资助工作小组反映。"), dt.date(2026, 10, 12),
             "学生资助管理中心", code="04-02", formed=dt.date(2026, 10, 9)),
        Item("2026年秋季学期中小学课后服务实施情况", "课后服务时间、内容、收费和监督电话。",
             p("全市公办中小学课后服务实现全覆盖，每周5天、每天不少于2小时。"), dt.date(2026, 9, 8), "基础教育科",
             code="05-01"),
        Item("2026年秋季学期中小学收费项目和标准公示", "公办中小学住宿费、课后服务费等收费项目、标准和投诉电话。",
             p("严禁在公示项目以外收取任何费用，投诉电话12345。"), dt.date(2026, 8, 25), "财务科", code="06-01"),
        Item("2026年第三季度校外培训机构专项检查结果", "专项检查发现的问题和对违规机构的处理情况。",
             p("本次检查机构86家，责令整改5家，注销办学许可1家。"), dt.date(2026, 10, 15), "职业与成人教育科",
             code="07-02", formed=dt.date(2026, 10, 10)),
        Item("2026年泉州市中小学教师公开招聘公告", "招聘岗位、人数、条件、报名和考试安排。",
             p("本次公开招聘中小学教师120名，报名时间为2026年4月1日至4月7日。"), dt.date(2026, 3, 20), "人事科",
             code="08-01"),
        Item("2026年泉州市中小学教师公开招聘拟聘用人员名单", "经考试、考核、体检，拟聘用人员名单公示。",
             p("公示期7日，对公示人员有异议的，可向市教育局人事科反映。"), dt.date(2026, 8, 25), "人事科",
             code="08-02", formed=dt.date(2026, 8, 3)),  # published well after its 7-day limit
        Item("泉州市教育局2025年部门决算", "市教育局2025年部门决算报表及说明。",
             p("根据预算法，现将泉州市教育局2025年部门决算公开如下。"), dt.date(2025, 9, 20), "财务科", code="09-02"),
    ],
}


def midnight_after(start: dt.datetime, days: int) -> dt.datetime:
    """24:00 on the ``days``-th day after ``start`` (as notices write it)."""
    day = timezone.localtime(start).date() + dt.timedelta(days=days + 1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)))


def days_ago_at_nine(days: int):
    return lambda now: timezone.make_aware(
        dt.datetime.combine(timezone.localdate(now) - dt.timedelta(days=days), dt.time(9))
    )


CAMPAIGN_TEXT = "建议公布各学校服务区划定的具体街道和门牌号范围，并在招生前一个月公示，便于家长提前了解。"

#: (comment, section, channel, shown name, commenter, status[, (disposition, reason)])
CONSULTATIONS = {
    "enrolment": dict(
        title="关于公开征求《泉州市义务教育招生入学管理办法（征求意见稿）》意见的公告",
        summary="明确免试就近入学、服务区划定、随迁子女入学和特殊群体保障，现向社会公开征求意见。",
        opens=lambda now: at(2026, 3, 20, 9),
        closes=lambda opens: midnight_after(opens, 30),
        extend=(7, "应部分家长和学校要求，为便于充分反映意见，征求意见截止时间延长7日。"),
        unit="泉州市教育局基础教育科",
        contact="王老师",
        basis="《中华人民共和国义务教育法》《福建省实施〈中华人民共和国义务教育法〉办法》。",
        explanation=["一、起草背景：落实免试就近入学要求，回应群众对入学公平的关切。",
                     "二、主要内容：服务区划定与公示、随迁子女入学条件、特殊群体保障、招生监督。"],
        sections=[
            ("第一章 总则", "第一条 为规范义务教育招生入学工作，保障适龄儿童少年平等接受义务教育的权利，制定本办法。"),
            ("第二章 服务区划定", "第五条 县（市、区）教育行政部门按照学校规模和适龄人口分布划定服务区，并向社会公布。"),
            ("第三章 随迁子女入学", "第九条 随迁子女凭居住证和监护人就业证明，在居住地申请入学。"),
            ("第四章 附则", "第二十条 本办法自2026年6月1日起施行，有效期5年。"),
        ],
        comments=[
            (CAMPAIGN_TEXT, "第二章 服务区划定", "online", "", "individual", "publish",
             ("adopted", "")),
            (CAMPAIGN_TEXT.replace("建议", "强烈建议"), "第二章 服务区划定", "online", "一位家长", "individual", "publish"),
            (CAMPAIGN_TEXT + "谢谢！", "第二章 服务区划定", "email", "", "individual", "publish"),
            ("随迁子女入学材料较多，建议取消就业证明，只凭居住证即可申请，联系电话13905951234。", "第三章 随迁子女入学",
             "online", "张女士", "individual", "publish",
             ("partly", "就业证明改为可由社保缴纳记录代替；居住证仍为必要材料，以核实实际居住。")),
            ("建议允许按房产证跨服务区择校。", "第二章 服务区划定", "letter", "", "individual", "publish",
             ("not_adopted", "义务教育实行免试就近入学，跨服务区择校不符合上位法规定。")),
            ("建议同时规范民办学校收费。", "", "online", "某民办学校", "organisation", "publish",
             ("out_of_scope", "民办学校收费由《泉州市民办学校收费管理办法》规范，已转相关科室研究。")),
            ("低价代办入学名额，请加微信。", "", "online", "", "other", "spam"),
        ],
        feedback=["本次征求意见共收到有效意见6条（其中3条内容相同或相似，合并答复），"
                  "采纳1组，部分采纳1条，不予采纳1条，1条不属于本次征求意见范围。",
                  "根据意见，办法第五条增加服务区划定结果在招生前一个月公示的要求；第九条允许以社保缴纳记录代替就业证明。"],
    ),
    "after-school": dict(
        title="关于公开征求《泉州市中小学课后服务管理办法（修订征求意见稿）》意见的公告",
        summary="拟调整课后服务时间、内容和收费标准，完善教师参与课后服务的激励机制。",
        opens=days_ago_at_nine(5),
        closes=lambda opens: midnight_after(opens, 30),
        unit="泉州市教育局基础教育科",
        contact="李老师",
        basis="教育部办公厅《关于做好中小学生课后服务工作的指导意见》。",
        explanation=["现行《泉州市中小学课后服务工作实施意见》（泉教规〔2021〕1号）实施以来，"
                     "课后服务覆盖率显著提高，但也存在时间安排不灵活、内容单一等问题，需要修订。"],
        sections=[
            ("第一条 服务时间", "课后服务结束时间原则上不早于当地正常下班时间；确有需要的，可延长至18:30。"),
            ("第二条 服务内容", "以指导学生完成作业、开展文体科普活动为主，不得讲授新课。"),
            ("第三条 收费标准", "课后服务费按照成本补偿、非营利原则确定，每生每学期不超过300元。"),
            ("第四条 教师激励", "教师参与课后服务的情况作为绩效考核、评优评先的重要参考。"),
        ],
        comments=[
            ("建议低年级也能延长到18:30，双职工家庭接孩子很难。", "第一条 服务时间", "online", "李先生", "individual", "publish"),
            ("希望增加体育和艺术类活动，不要只是写作业。", "第二条 服务内容", "online", "", "individual", "publish"),
            ("家庭经济困难学生的课后服务费应当减免。", "第三条 收费标准", "online", "一位家长", "individual", "publish"),
            ("建议明确课后服务补助的发放标准和时间。", "第四条 教师激励", "online", "某小学教师", "individual", "publish"),
            ("建议第三条写明收费公示的方式。", "第三条 收费标准", "online", "", "individual", "pending"),
        ],
    ),
    "calendar": dict(
        title="关于公开征求《泉州市2027年春季学期中小学校历（征求意见稿）》意见的公告",
        summary="拟定2027年春季学期开学、放假和考试时间安排。",
        opens=days_ago_at_nine(3),
        closes=lambda opens: midnight_after(opens, 15),
        shortening_reason="校历须在寒假前公布以便学校和家庭安排，征求意见期限缩短为15日。",
        unit="泉州市教育局基础教育科",
        contact="陈老师",
        basis="《福建省教育厅关于中小学校历的指导意见》。",
        explanation=["校历安排兼顾法定节假日和全省统一考试时间。"],
        sections=[
            ("一、开学时间", "2027年2月22日学生报到，2月23日正式上课。"),
            ("二、假期安排", "清明节、劳动节、端午节按国家规定放假；暑假自2027年7月10日开始。"),
        ],
        comments=[],
    ),
}


class Command(BaseCommand):
    help = "Load demo content: an education bureau and a school, each with a disclosure column."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete existing demo content and build it again."
        )
        parser.add_argument(
            "--no-superuser",
            action="store_true",
            help="Do not create the demo administrator (admin / admin).",
        )

    @transaction.atomic
    def handle(self, *args, reset: bool = False, no_superuser: bool = False, **options):
        existing = HomePage.objects.filter(slug__in=[BUREAU_SLUG, SCHOOL_SLUG, SECOND_SCHOOL_SLUG])
        if existing.exists():
            if not reset:
                self.stdout.write("Demo content is already loaded (use --reset to rebuild).")
                return
            from govopen_wagtail.models import InformationApplication, PlanTask, PublicMessage

            # Applications and messages keep their page from deletion (nothing
            # lost): a reset removes them first.
            for home in existing:
                InformationApplication.objects.filter(page__path__startswith=home.path).delete()
                PublicMessage.objects.filter(page__path__startswith=home.path).delete()
                PlanTask.objects.filter(page__path__startswith=home.path).delete()
            Site.objects.filter(root_page__in=existing).delete()
            for page in existing:
                page.delete()
            from wagtail.documents import get_document_model

            get_document_model().objects.filter(collection__name=DEMO_COLLECTION).delete()

        root = ensure_root()
        bureau_home = self.build_bureau(root)
        school_home = self.build_school(root)
        second_home = self.build_second_school(root)
        self.remove_placeholder(root, [bureau_home, school_home, second_home])
        # The bureau guides and checks the school's disclosure: its oversight table shows the school.
        from govopen_wagtail.models import OrganisationProfile

        OrganisationProfile.objects.filter(site__root_page__in=[school_home, second_home]).update(
            supervisor=Site.objects.get(root_page=bureau_home), changed_at=timezone.now())
        self.assign_school_tasks(bureau_home, school_home)
        self.build_privacy(school_home)
        from govopen_wagtail.search.base import get_backend
        from govopen_wagtail.search.indexing import all_documents

        get_backend().rebuild(all_documents())
        if not no_superuser:
            self.create_superuser()
            self.create_school_staff()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo loaded: bureau at http://127.0.0.1:8000/, "
                f"school at http://{SCHOOL_HOSTNAME}:8000/, admin at http://127.0.0.1:8000/admin/"
            )
        )

    def remove_placeholder(self, root: Page, keep: list[Page]) -> None:
        # Wagtail's "Welcome to your new Wagtail site!" page is unreachable now.
        for page in root.get_children().exclude(pk__in=[p.pk for p in keep]):
            if page.specific_class is Page:
                page.delete()

    def build_bureau(self, root: Page) -> Page:
        home = root.add_child(
            instance=HomePage(
                title="泉州市教育局",
                slug=BUREAU_SLUG,
                intro=p("泉州市教育局门户网站（示例）。政府信息公开请进入“政府信息公开”专栏。"),
            )
        )
        # The site and its profile come first: the credit code prefixes index numbers.
        site = Site.objects.filter(is_default_site=True).first() or Site(
            hostname="localhost", port=80, is_default_site=True
        )
        site.root_page = home
        site.site_name = "泉州市教育局"
        site.save()
        set_profile(site, BUREAU_PROFILE)
        index = publish(
            home,
            DisclosureIndexPage(
                title="政府信息公开",
                slug="xxgk",
                intro=p(
                    "根据《中华人民共和国政府信息公开条例》，本专栏集中发布泉州市教育局的政府信息公开指南、"
                    "政府信息公开制度、法定主动公开内容和政府信息公开工作年度报告。"
                ),
            ),
            at(2019, 5, 15),
        )
        publish(index, self.bureau_guide(), at(2019, 5, 15))
        rules = publish(
            index,
            DisclosureRulesPage(
                title="政府信息公开制度",
                slug="zd",
                body=p(
                    "本栏目发布泉州市教育局政府信息公开工作的各项制度，包括主动公开、依申请公开、"
                    "保密审查、政策解读和回应关切、考核评议等制度。"
                ),
            ),
            at(2019, 5, 20),
        )
        publish(
            rules,
            DisclosureRulesPage(
                title="泉州市教育局政府信息公开保密审查制度",
                slug="bmsc",
                document_number="泉教办[2019]12号",
                effective_date=dt.date(2019, 6, 1),
                body=p(
                    "第一条 为规范政府信息公开保密审查工作，根据《中华人民共和国保守国家秘密法》"
                    "《中华人民共和国政府信息公开条例》，制定本制度。",
                    "第二条 拟公开的政府信息，由承办科室按照“先审查、后公开”和“一事一审”的原则进行保密审查。",
                    "第三条 涉及身份证号、电话、家庭详细住址等个人隐私的信息，公开前应当作去标识化处理。",
                ),
            ),
            at(2019, 6, 1),
        )
        publish(
            rules,
            DisclosureRulesPage(
                title="泉州市教育局政策解读工作制度",
                slug="zcjd",
                document_number="泉教办〔2020〕第031号",
                effective_date=dt.date(2020, 4, 1),
                body=p(
                    "按照“谁起草、谁解读”原则，严格落实政策性文件与解读方案、解读材料同步组织、"
                    "同步审签、同步部署的“三同步”工作要求。",
                    "政策解读材料随文件同步签审，并于文件公开之后的3个工作日之内配套公开。",
                ),
            ),
            at(2020, 4, 1),
        )
        active = publish(
            index,
            CatalogPage(
                title="法定主动公开内容",
                slug="fdzdgknr",
                intro=p("按照义务教育领域基层政务公开标准目录分类发布，每条信息标注索引号、名称、内容概述和生成日期。"),
            ),
            at(2019, 5, 15),
        )
        import_catalog(active, SAMPLE.name, SAMPLE.read_bytes())
        for order, (code, name, elements, limit, unit) in enumerate(EXTRA_ENTRIES, start=100):
            entry = CatalogCategory(catalog=active, code=code, name=name, content_elements=elements,
                                    time_limit=limit, responsible_unit=unit, sort_order=order)
            entry.full_clean()
            entry.save()
        entries = {c.code: c for c in active.categories.all()}
        consultations = self.build_consultations(index)
        library = self.build_library(active, final_for=consultations)
        publish(index, DisclosureSearchPage(title="信息检索", slug="search",
                                            intro="检索规范性文件、政策解读、公开信息、征求意见和公开指南。"),
                at(2019, 5, 15))
        self.build_applications(index)
        self.build_messages(index, library)
        self.build_work_plan(rules, library)
        # Documents and consultations are catalog items where they are published.
        CatalogCategory.objects.filter(pk=entries["01-01"].pk).update(source_page=library)
        CatalogCategory.objects.filter(pk=entries["01-02"].pk).update(source_page=consultations["enrolment"].get_parent())
        for n, (category, items) in enumerate(BUREAU_ITEMS.items(), start=1):
            column = publish(
                active,
                DisclosureColumnPage(title=category, slug=f"lm{n:02d}"),
                at(2019, 5, 15),
            )
            for m, item in enumerate(items, start=1):
                publish(
                    column,
                    DisclosureItemPage(
                        title=item.title,
                        slug=f"xx{n:02d}{m:02d}",
                        summary=item.summary,
                        body=item.body,
                        generated_date=item.generated,
                        formed_date=item.formed or item.generated,
                        issuing_unit=item.unit,
                        catalog_category=entries.get(item.code),
                    ),
                    at(item.generated.year, item.generated.month, item.generated.day, 10),
                )
        reports = publish(
            index,
            DisclosureColumnPage(
                title="政府信息公开年报",
                slug="nb",
                column=DisclosureColumnPage.Column.REPORTS,
                intro=p("本机关政府信息公开工作年度报告于每年1月31日前发布。"),
            ),
            at(2019, 5, 15),
        )
        self.build_annual_reports(reports)
        return home

    def build_consultations(self, parent: Page) -> dict[str, Page]:
        """One open (with comments), one closed with its feedback, one with a
        shortened window; see ``CONSULTATIONS`` for the texts."""
        from govopen_wagtail.models import ConsultationIndexPage, ConsultationPage, ConsultationWindowRecord
        from govopen_wagtail.services.comments import CommentInput, moderate, submit_comment

        listing = publish(
            parent,
            ConsultationIndexPage(
                title="意见征集",
                slug="yjzj",
                intro=p("重大行政决策和规范性文件草案在此公开征求意见，征求意见期限一般不少于30日。"
                        "意见经审核后公开，采纳情况在征求意见结束后发布。"),
            ),
            at(2019, 5, 15),
        )
        now = timezone.now()
        made: dict[str, Page] = {}
        for key, spec in CONSULTATIONS.items():
            opens = spec["opens"](now)
            page = ConsultationPage(
                title=spec["title"],
                slug=f"zqyj-{key}",
                summary=spec["summary"],
                draft=[("section", {"heading": h, "text": p(t)}) for h, t in spec["sections"]],
                explanation=p(*spec["explanation"]),
                basis=p(spec["basis"]),
                responsible_unit=spec["unit"],
                contact_name=spec["contact"],
                contact_phone="0595-22180000",
                opens_at=opens,
                closes_at=spec["closes"](opens),
                shortening_reason=spec.get("shortening_reason", ""),
                comment_email="yjzj@qzedu.example.cn",
                postal_address="福建省泉州市丰泽区东海街道行政中心 泉州市教育局政策法规科（信封注明“意见征集”），邮编362000",
            )
            page = publish(listing, page, opens)
            page = ConsultationPage.objects.get(pk=page.pk)
            if "extend" in spec:
                days, reason = spec["extend"]
                page.closes_at += dt.timedelta(days=days)
                page.date_change_reason = reason
                page.save_revision().publish()
                page = ConsultationPage.objects.get(pk=page.pk)
                # The notice was dated when it was made, before the first deadline.
                ConsultationWindowRecord.objects.filter(consultation=page, kind="extended").update(
                    recorded_at=page.closes_at - dt.timedelta(days=days + 2)
                )
            sections = {s["label"]: s["id"] for s in page.sections()}
            for n, comment in enumerate(spec["comments"]):
                body, section, channel, name, category, status = comment[:6]
                received = min(opens + dt.timedelta(hours=5 + n * 7), now - dt.timedelta(minutes=n + 1))
                saved, _ = submit_comment(
                    page.pk,
                    CommentInput(
                        body=body, section_id=sections.get(section, ""), display_name=name,
                        commenter_category=category, channel=channel, received_at=received,
                        postmark_date=timezone.localdate(received) if channel == "letter" else None,
                        status="pending",
                    ),
                    trusted=True,
                )
                if status != "pending":
                    moderate([saved.pk], status, None, reason="含与本次征求意见无关的广告内容" if status == "rejected" else "")
                if len(comment) > 6:
                    disposition, reason = comment[6]
                    group = saved.group
                    group.disposition, group.reason = disposition, reason
                    group.full_clean()
                    group.save()
            if "feedback" in spec:
                page.feedback_summary = p(*spec["feedback"])
                page.feedback_date = timezone.localdate(page.closes_at) + dt.timedelta(days=18)
                page.save_revision().publish()
            made[key] = ConsultationPage.objects.get(pk=page.pk)
        return made

    def build_library(self, parent: Page, final_for: dict[str, Page] | None = None) -> Page:
        library = publish(
            parent,
            NormativeDocumentIndexPage(
                title="规范性文件",
                slug="gfxwj",
                intro=p(
                    "本栏目集中公开泉州市教育局制发的行政规范性文件，标注文号、成文日期、发布日期、"
                    "施行日期和有效性。点击文件可查看其立改废历史和政策解读。"
                ),
            ),
            at(2019, 5, 15),
        )
        bureau = Issuer.objects.get_or_create(name="泉州市教育局", defaults={"code": "泉教"})[0]
        finance = Issuer.objects.get_or_create(name="泉州市财政局", defaults={"code": "泉财"})[0]
        pricing = Issuer.objects.get_or_create(name="泉州市发展和改革委员会", defaults={"code": "泉发改"})[0]
        education = SubjectCategory.objects.get_or_create(name="科技、教育", defaults={"sort_order": 11})[0]
        finance_cat = SubjectCategory.objects.get_or_create(name="财政、金融、审计", defaults={"sort_order": 4})[0]
        made: dict[str, NormativeDocumentPage] = {}

        consultations = final_for or {}

        def doc(key, number, title, written, *, published=None, effective=None, end=None,
                issuers=(bureau,), category=education, effects=(), summary="", body=""):
            consultation = consultations.get("enrolment") if key == "2026-3" else None
            published = published or written
            page = NormativeDocumentPage(
                title=title,
                slug=f"wj-{key}",
                document_number=number,
                written_date=written,
                published_date=published,
                effective_date=effective or published,
                validity_end=end,
                category=category,
                summary=summary,
                body=body or p(summary or title),
                no_consultation_reason=(
                    "" if effects or consultation else "不涉及公众切身利益，经合法性审查无需公开征求意见。"
                ),
                consultation_page=consultation,
            )
            page.effects = [DocumentEffect(target=made[t], kind=k, note=n) for t, k, n in effects]
            page.issuers = list(issuers)  # saved with the page and its revision
            made[key] = publish(library, page, at(published.year, published.month, published.day))
            return made[key]

        d = dt.date
        doc("2018-85", "泉教办〔2018〕85号", "关于印发《泉州市教育局2018年政务公开工作实施方案》的通知",
            d(2018, 6, 28), summary="围绕“五公开”，加强公开解读回应、政务服务、平台建设和制度化规范化。",
            body=PLAN_2018_BODY)
        doc("2019-1", "泉教规〔2019〕1号", "泉州市民办学校收费管理办法", d(2019, 3, 8), published=d(2019, 3, 15),
            effective=d(2019, 4, 1), issuers=(bureau, finance, pricing), category=finance_cat,
            summary="规范民办学校收费项目、标准的备案和公示，保障受教育者合法权益。")
        doc("2019-3", "泉教规〔2019〕3号", "泉州市中小学校学籍管理实施细则", d(2019, 8, 12), published=d(2019, 8, 20),
            effective=d(2019, 9, 1), summary="规范中小学生学籍建立、变动和档案管理。")
        doc("2020-2", "泉教规〔2020〕2号", "泉州市校外培训机构管理暂行办法", d(2020, 5, 6), published=d(2020, 5, 10),
            effective=d(2020, 6, 1), summary="校外培训机构设置标准、审批登记和日常监管（暂行）。")
        doc("2020-5", "泉教规〔2020〕5号", "泉州市家庭经济困难学生认定办法", d(2020, 8, 25), published=d(2020, 9, 1),
            summary="家庭经济困难学生认定的对象、依据、程序和档次。",
            end=None)
        doc("2021-1", "泉教规〔2021〕1号", "泉州市中小学课后服务工作实施意见", d(2021, 8, 20), published=d(2021, 9, 1),
            summary="课后服务的时间、内容、收费和保障，推进“双减”落地。")
        doc("2021-4", "泉教规〔2021〕4号", "泉州市义务教育阶段控辍保学工作机制", d(2021, 11, 2), published=d(2021, 11, 10),
            summary="控辍保学“七长”责任制、劝返复学和动态监测机制。")
        doc("2022-2", "泉教规〔2022〕2号", "关于修改《泉州市民办学校收费管理办法》的决定", d(2022, 2, 20),
            published=d(2022, 3, 1), issuers=(bureau, finance, pricing), category=finance_cat,
            effects=[("2019-1", "amended", "修改第八条收费公示期限")],
            summary="将收费标准公示期限由15日调整为30日。")
        doc("2022-3", "泉教规〔2022〕3号", "泉州市校外培训机构监督管理办法", d(2022, 3, 20), effective=d(2022, 4, 1),
            effects=[("2020-2", "repealed", "本办法施行后，原暂行办法同时废止")],
            summary="落实“双减”，规范校外培训机构审批、资金监管和日常检查。")
        doc("2023-1", "泉教规〔2023〕1号", "泉州市中小学教师招聘管理办法", d(2023, 2, 10), published=d(2023, 2, 20),
            summary="教师公开招聘的计划、条件、程序和监督。")
        doc("2023-6", "泉教规〔2023〕6号", "泉州市学前教育收费管理办法", d(2023, 6, 15), published=d(2023, 7, 1),
            issuers=(bureau, finance, pricing), category=finance_cat, summary="公办、普惠性民办幼儿园保教费和住宿费管理。")
        doc("2024-2", "泉教规〔2024〕2号", "泉州市中小学生近视综合防控实施方案", d(2024, 2, 20), published=d(2024, 3, 1),
            summary="减轻课业负担、保障户外活动、定期视力监测。")
        doc("2025-1", "泉教规〔2025〕1号", "泉州市教育局行政规范性文件管理办法", d(2025, 1, 3), published=d(2025, 1, 10),
            summary="规范性文件的起草、公开征求意见、合法性审查、统一登记、编号、印发和清理。")
        doc("2026-3", "泉教规〔2026〕3号", "泉州市义务教育招生入学管理办法", d(2026, 5, 12), published=d(2026, 5, 20),
            effective=d(2026, 6, 1), end=d(2031, 5, 31), summary="免试就近入学、服务区划定、随迁子女入学。")
        doc("2026-9", "泉教规〔2026〕9号", "泉州市中小学校安全管理规定", d(2026, 11, 3), published=d(2026, 11, 10),
            effective=d(2027, 1, 1), end=d(2031, 12, 31), summary="校园安全责任、风险防控和应急处置（2027年1月1日起施行）。")

        # The yearly plan ran to the end of 2018; the office recorded its expiry.
        ValidityEvent.objects.create(
            document=made["2018-85"], kind=ValidityEvent.Kind.EXPIRED, effective_date=dt.date(2019, 1, 1),
            reason="年度实施方案，适用期届满。",
        )
        # The 2020 determination rules were due for review and extended.
        NormativeDocumentPage.objects.filter(pk=made["2020-5"].pk).update(validity_end=dt.date(2025, 8, 31))
        ValidityEvent.objects.create(
            document=made["2020-5"], kind=ValidityEvent.Kind.EXTENDED, effective_date=dt.date(2025, 8, 1),
            new_end_date=dt.date(2027, 8, 31), reason="经评估继续有效，有效期延长两年。",
        )

        for key, title, form, author, published in (
            ("2022-3", "《泉州市校外培训机构监督管理办法》政策解读", InterpretationPage.Form.TEXT, "职业与成人教育科", d(2022, 3, 22)),
            ("2026-3", "图解：2026年泉州市义务教育招生入学", InterpretationPage.Form.GRAPHIC, "基础教育科", d(2026, 5, 21)),
            ("2024-2", "专家解读：中小学生近视综合防控", InterpretationPage.Form.EXPERT, "市眼科医院专家组", d(2024, 3, 5)),
        ):
            publish(
                library,
                InterpretationPage(
                    title=title, slug=f"jd-{key}", document=made[key], form=form, author=author,
                    body=p("一、出台背景和依据。", "二、主要内容和重要举措。", "三、与原政策相比的变化。"),
                ),
                at(published.year, published.month, published.day, 15),
            )
        return library

    def build_annual_reports(self, reports: Page) -> None:
        """The 2025 report, published (its applications were kept on paper:
        entered by hand, each with the reason), its interpretation, and the
        2026 report as a draft generated from the demo's records."""
        from govopen_wagtail.models import AnnualReportOverride, AnnualReportPage
        from govopen_wagtail.services.annual_report import generate_draft

        interpretation = publish(
            reports,
            DisclosureItemPage(
                title="图解：泉州市教育局2025年政府信息公开工作年度报告",
                slug="nb2025-jd",
                summary="用图表解读2025年度政府信息公开工作的主要数据和改进举措。",
                body=p("2025年，本局收到政府信息公开申请6件，全部在法定期限内答复，未发生行政复议和行政诉讼。"),
                generated_date=dt.date(2026, 1, 22),
                issuing_unit="办公室",
            ),
            at(2026, 1, 22, 10),
        )
        report_2025 = AnnualReportPage(
            title="泉州市教育局2025年政府信息公开工作年度报告",
            slug="nb2025",
            year=2025,
            overview=p(
                "2025年，本局坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。",
                "（一）主动公开。全年主动公开政府信息312条，其中规范性文件4件、政策解读4篇。",
                "（二）依申请公开。全年收到政府信息公开申请6件，均在法定期限内答复。",
                "（三）政府信息管理。落实公开属性源头认定和保密审查制度。",
                "（四）平台建设。政府信息公开专栏按照国办要求设置四个标准栏目。",
                "（五）监督保障。将政务公开纳入年度绩效考核，开展专题培训2次。",
            ),
            problems=p("政策解读形式还不够丰富，下一步将增加图解和视频解读。"),
            other_matters=p("本年未收取信息处理费。办理人大代表建议3件、政协提案5件。"),
            licensing_decisions=126, penalty_decisions=2, enforcement_decisions=0, fees_amount=0,
            interpretation=interpretation,
        )
        reports.add_child(instance=report_2025)
        generate_draft(report_2025)
        report_2025 = report_2025.get_latest_revision_as_object()
        hand = {
            "t3.new.natural": 4, "t3.new.commercial": 1, "t3.new.legal_service": 1, "t3.new.total": 6,
            "t3.disclose.natural": 3, "t3.disclose.total": 3, "t3.partial.natural": 1, "t3.partial.total": 1,
            "t3.unable_1.commercial": 1, "t3.unable_1.total": 1,
            "t3.not_handled_2.legal_service": 1, "t3.not_handled_2.total": 1,
            "t3.total.natural": 4, "t3.total.commercial": 1, "t3.total.legal_service": 1, "t3.total.total": 6,
        }
        report_2025.overrides = [
            AnnualReportOverride(cell=cell, value=value, reason="2025年申请在纸质台账登记，按台账手工录入")
            for cell, value in hand.items()
        ]
        revision = report_2025.save_revision()
        revision.publish()
        AnnualReportPage.objects.filter(pk=report_2025.pk).update(first_published_at=at(2026, 1, 20, 10),
                                                                  last_published_at=at(2026, 1, 20, 10))
        # This year's report, in draft (2026 when the demo was made).
        year = timezone.localdate().year
        draft_2026 = AnnualReportPage(
            title=f"泉州市教育局{year}年政府信息公开工作年度报告", slug=f"nb{year}", year=year, live=False,
            problems=p("（待填写）针对2025年“政策解读形式不够丰富”的问题，本年新增图解解读……"),
        )
        reports.add_child(instance=draft_2026)
        generate_draft(draft_2026)

    def build_applications(self, index: Page) -> Page:
        """The bureau's 依申请公开 page and a dozen cases across every state and
        reply type, dated back from today so the clock reads as in real use."""
        from govopen_wagtail.calendar import get_calendar
        from govopen_wagtail.models import ApplicationPage, RequestableDocument, RequestableListRelease
        from govopen_wagtail.services import applications as cases
        from govopen_wagtail.services.letters import make_letter

        page = publish(
            index,
            ApplicationPage(
                title="依申请公开", slug="ysqgk", receipt_prefix="泉教依申", reply_prefix="泉教依复",
                postal_address="福建省泉州市丰泽区东海街道市行政中心 泉州市教育局办公室（邮编362000）",
                office_hours="工作日 8:00–12:00、15:00–18:00，市行政服务中心教育局窗口",
            ),
            at(2019, 5, 15),
        )
        calendar = get_calendar()
        today = cases.local_today()

        def ago(n: int) -> dt.date:
            """The working day n working days before today."""
            day = today
            while n > 0:
                day -= dt.timedelta(days=1)
                if calendar.is_working_day(day):
                    n -= 1
            return day

        def apply(received_wd: int, description: str, channel: str = "post", **fields) -> object:
            values = dict(applicant_type="natural", name="陈明", id_type="id_card", id_number="11010519491231002X",
                          contact_phone="13905950000", contact_email="chenming@example.invalid",
                          delivery="email", description=description, channel=channel)
            values.update(fields)
            data = cases.ApplicationInput(received_on=ago(received_wd), **values)
            return cases.submit_application(page, data)[0]

        new = apply(1, "2026年泉州市中心城区公办初中招生片区划分方案", channel="online")
        working = apply(5, "2026年市直学校校舍安全排查整改情况", name="林晓", delivery="paper",
                        postal_address="泉州市鲤城区中山路100号")
        cases.assign(working, unit="发展规划与安全科", assisting_units="计划财务科")
        waiting = apply(4, "关于学校的那个文件", name="黄强")
        cases.request_correction(waiting, on=ago(2), due=today + dt.timedelta(days=10),
                                 items="请写明所需文件的名称、发文日期或文号，以便检索。")
        make_letter(waiting, "correction", sent_on=ago(2))
        restarted = apply(30, "学校收费的文件", name="王芳")
        cases.request_correction(restarted, on=ago(27), due=ago(20), items="请写明学校名称和收费学年。")
        cases.record_correction(restarted, on=ago(22))
        cases.assign(restarted, unit="计划财务科")
        cases.record_reply(restarted, outcome="disclose", on=ago(8),
                           reason="所申请信息见本机关网站“法定主动公开内容—教育收费”栏目，现随本告知书一并提供。")
        make_letter(restarted, "reply", sent_on=ago(8))
        cases.mark_delivered(restarted, on=ago(7))
        cases.close(restarted, on=ago(6))
        consulted = apply(10, "2025年全市校外培训机构年检结果及相关机构报送材料", applicant_type="commercial",
                          name="泉州市启航教育科技有限公司", id_type="credit_code", id_number="91350500MA2Y0N1F1A",
                          channel="email")
        cases.assign(consulted, unit="校外教育培训监管科")
        cases.start_pause(consulted, kind="third_party", party="泉州市某某培训学校有限公司", on=ago(6))
        make_letter(consulted, "third_party", sent_on=ago(6))
        overdue = apply(24, "2025年义务教育阶段学校课后服务经费使用明细", name="郑华")
        cases.assign(overdue, unit="基础教育科")
        extended = apply(22, "2021年以来全市中小学教师职称评审结果汇总", name="刘洋", applicant_type="legal_service",
                         id_type="credit_code", id_number="31350000MD0198765B")
        cases.extend(extended, days=15, approver="局长 张明", reason="所需信息涉及多个年度和多个科室，需检索汇总",
                     on=ago(3))
        make_letter(extended, "extension", sent_on=ago(3))
        partial = apply(20, "泉州市教育局2025年政府采购合同", name="吴敏")
        cases.record_reply(partial, outcome="partial", on=ago(4),
                           reason="合同中供应商的银行账户等商业信息涉及第三方合法权益，已作区分处理。")
        cases.mark_delivered(partial, on=ago(3))
        process = apply(40, "2026年教育事业发展规划征求意见过程中的内部讨论记录", name="许静")
        cases.record_reply(process, outcome="withhold_6", on=ago(25),
                           reason="所申请信息属于讨论记录等过程性信息，依据条例第十六条第二款不予公开。")
        cases.close(process, on=ago(24))
        cases.record_review(process, review_result="upheld", litigation="", litigation_result="")
        missing = apply(45, "2008年某校扩建工程的全部施工图纸", name="蔡军")
        cases.record_reply(missing, outcome="unable_1", on=ago(30),
                           reason="经检索，本机关未制作或获取该信息，建议向住房和城乡建设部门咨询。")
        cases.close(missing, on=ago(29))
        cases.record_review(missing, review_result="", litigation="direct", litigation_result="pending")
        for n, who in enumerate(("洪涛", "施雨", "李娜")):
            repeat = apply(12 - n * 3, "2025年全市中小学教师招聘考试成绩", name=who, document_number="泉教人〔2025〕8号")
        cases.record_reply(repeat, outcome="not_handled_2", on=ago(1),
                           reason="本机关已于此前答复您相同内容的申请，不再重复处理。")
        withdrawn = apply(8, "教育局食堂采购明细", name="赵亮")
        cases.withdraw(withdrawn, on=ago(6))
        abandoned = apply(35, "那份通知", name="孙丽")
        cases.request_correction(abandoned, on=ago(33), due=ago(25), items="请写明通知的名称或文号。")
        cases.mark_abandoned(abandoned, on=ago(20))

        listed = [
            ("泉州市教育局2025年度部门预算执行情况", "", dt.date(2026, 3, 1), "计划财务科"),
            ("2025年全市中小学校舍安全检查通报", "泉教安〔2025〕12号", dt.date(2025, 11, 20), "发展规划与安全科"),
            ("2025年全市教师招聘考试成绩", "泉教人〔2025〕8号", dt.date(2025, 8, 15), "人事科"),
            ("泉州市民办学校年检结果（2025年度）", "泉教民〔2026〕2号", dt.date(2026, 4, 10), "民办教育科"),
            ("2026年义务教育招生工作会议纪要", "", dt.date(2026, 3, 18), "基础教育科"),
            ("全市校外培训机构白名单（2026年第二批）", "泉教培〔2026〕5号", dt.date(2026, 7, 6), "校外教育培训监管科"),
        ]
        for name, number, date, unit in listed:
            entry = RequestableDocument(page=page, name=name, document_number=number, date=date, issuing_unit=unit,
                                        added_on=date)
            entry.full_clean()
            entry.save()
        quarter = (today.month - 1) // 3 + 1
        start = dt.date(today.year, 3 * quarter - 2, 1)
        release = RequestableListRelease.objects.create(page=page, year=today.year, quarter=quarter,
                                                        published_on=start, entries=0)
        release.entries = release.documents().count()
        release.save(update_fields=["entries"])
        return page

    def build_messages(self, index: Page, library: Page) -> Page:
        """The bureau's message page with messages in every state, dated back
        from today: answered and published, forwarded, overdue, a report of
        an error sent from a document's page, one held as spam; its units;
        and two concerns of the public."""
        from govopen_wagtail import message_rules
        from govopen_wagtail.calendar import DISCLOSURE_TIME_ZONE, get_calendar
        from govopen_wagtail.models import MessagePage, NormativeDocumentPage, OfficeUnit, PublicConcern, PublicMessage
        from govopen_wagtail.services import messages as service

        page = publish(
            index,
            MessagePage(
                title="网民留言", slug="liuyan", receipt_prefix="泉教留言", handler_email="office@example.invalid",
                intro=p("欢迎就教育工作提出咨询、建议和投诉，或指出本网站的错误（我为政府网站找错）。",
                        "咨询、建议、投诉在3个工作日内答复，网站找错在2个工作日内答复。"
                        "申请获取政府信息请通过“依申请公开”栏目；信访事项请通过信访渠道反映。"),
            ),
            at(2020, 1, 6),
        )
        site = page.get_site()
        units = {name: OfficeUnit.objects.create(site=site, name=name, email=email) for name, email in (
            ("办公室", "office@example.invalid"), ("基础教育科", "jichu@example.invalid"),
            ("发展规划与安全科", "anquan@example.invalid"), ("计划财务科", "caiwu@example.invalid"))}
        calendar = get_calendar()
        now = timezone.now().astimezone(DISCLOSURE_TIME_ZONE)
        today = now.date()

        def ago(n: int) -> dt.date:
            day = today
            while n > 0:
                day -= dt.timedelta(days=1)
                if calendar.is_working_day(day):
                    n -= 1
            return day

        def when(day: dt.date, hour: int = 10) -> dt.datetime:
            return dt.datetime(day.year, day.month, day.day, hour, tzinfo=DISCLOSURE_TIME_ZONE)

        def receive(n: int, kind: str, subject: str, body: str, **fields) -> PublicMessage:
            import secrets

            data = service.MessageInput(kind=kind, subject=subject, body=body, **{
                "contact_email": "writer@example.invalid", "consent_publish": True, **fields})
            message = service.submit_message(page, data, token=secrets.token_hex(8))[0]
            received = ago(n)
            due = message_rules.message_due(received, kind)
            PublicMessage.objects.filter(pk=message.pk).update(
                received_at=when(received, 9), received_on=received, due_on=due.date,
                due_provisional=due.provisional)
            message.refresh_from_db()
            return message

        answered = receive(6, "consult", "小学一年级新生入学需要准备哪些材料？",
                           "孩子今年满六周岁，户籍在丰泽区，请问报名需要哪些材料？网上报名什么时候开始？",
                           name="李女士")
        service.draft_reply(answered, None, text="您好！小学一年级新生报名需准备户口簿、不动产权证书或购房合同等居住证明材料，"
                            "具体以丰泽区教育局发布的招生公告为准。网上报名时间另行公告。感谢您的关注。",
                            signed_by="基础教育科", now=when(ago(4), 15))
        service.set_published(answered, None, True)
        complaint = receive(9, "complaint", "学校课后服务收费问题",
                            "某小学课后服务每月收费，请问是否符合规定？我的电话13905951234。", name="王先生")
        service.forward(complaint, units["计划财务科"], None, today=ago(9))
        service.draft_reply(complaint, None, text="经核实，该校课后服务收费标准经价格主管部门核定，按学期收取，"
                            "家长自愿参加。您反映的情况已转请学校做好政策宣传。",
                            now=when(ago(7), 16))
        service.set_published(complaint, None, True)
        late = receive(12, "suggestion", "建议增加学校体育场地开放时间",
                       "建议周末开放学校操场供周边居民锻炼。", consent_publish=False)
        service.forward(late, units["发展规划与安全科"], None, today=ago(12))
        service.draft_reply(late, None, text="感谢您的建议，我局将会同有关部门研究学校体育场地有序开放工作。",
                            now=when(ago(6), 11))
        overdue = receive(5, "complaint", "校车接送时间过早",
                          "孩子每天早上6点就要等校车，希望调整接送路线和时间。", contact_phone="13905959876",
                          contact_email="")
        service.forward(overdue, units["发展规划与安全科"], None, today=ago(5))
        forwarded = receive(1, "consult", "民办学校退费政策咨询", "中途转学的，已交学费如何退还？")
        service.forward(forwarded, units["计划财务科"], None, today=ago(0))
        document = NormativeDocumentPage.objects.live().descendant_of(library).order_by("path").first()
        if document is not None:
            receive(0, "error", f"页面“{document.title}”有误"[:100],
                    "页面上附件“Word版”下载后打开是空白的，请核实。", about_page_id=document.pk,
                    about_title=document.title, contact_email="", wants_reply=False, consent_publish=False)
        receive(0, "suggestion", "优惠", "http://spam.example http://spam.example/2 www.spam.example 低价代办",
                contact_email="", wants_reply=False, consent_publish=False)

        major = PublicConcern(site=site, title="网传某校食堂食品安全问题", source="网络媒体",
                              first_seen_at=when(ago(3), 8), major=True,
                              response_url="https://example.invalid/news/2026/canteen",
                              response_summary="市教育局会同市场监管部门连夜核查，发布情况通报。")
        major.responded_at = major.first_seen_at + dt.timedelta(hours=4)
        major.save()
        PublicConcern.objects.create(site=site, title="秋季学期中小学作息时间调整", source="12345热线",
                                     first_seen_at=now - dt.timedelta(hours=20), major=False)
        return page

    def build_work_plan(self, rules: Page, library: Page) -> Page:
        """The bureau's plan for this year, imported from Word (the text of seed
        004, 泉教办〔2018〕85号, as the bureau's own plan), with progress reported
        and accepted for the quarters so far."""
        from pathlib import Path

        from govopen_wagtail.models import NormativeDocumentPage, ProgressStatus, TaskProgress, WorkPlanPage
        from govopen_wagtail.services import plans
        from govopen_wagtail.services.plan_io import import_plan

        year = plans.today().year
        plan = publish(rules, WorkPlanPage(
            title=f"泉州市教育局{year}年政务公开工作实施方案", slug=f"gzyd{year}", year=year,
            intro=p("根据上级政务公开工作部署，结合教育工作实际，制定本实施方案。各责任科室按季度报送任务进展，"
                    "办公室审核后在本页公开。"),
            document=NormativeDocumentPage.objects.filter(document_number="泉教办〔2018〕85号").first(),
        ), at(year, 1, 15))
        text = (Path(__file__).resolve().parents[2] / "data" / "work_plan_quanzhou.txt").read_text(encoding="utf-8")
        report = import_plan(plan, "实施方案.docx", prose_docx(text), create_units=True)
        assert report.ok, report.errors
        tasks = list(plan.tasks.prefetch_related("assignments__unit"))
        today = plans.today()
        words = {ProgressStatus.DONE: "已完成：{}，相关信息已在网站公开。",
                 ProgressStatus.IN_PROGRESS: "推进中：{}，已完成阶段性工作。",
                 ProgressStatus.ONGOING: "持续推进：{}，按月更新。"}
        quarter = plans.period_of(today)
        for n, task in enumerate(tasks):
            lead = task.assignments.all()[0].unit
            for q in range(1, quarter.number):
                status = (ProgressStatus.DONE if n % 3 == 0 and q >= 2 else
                          ProgressStatus.ONGOING if n % 3 == 1 else ProgressStatus.IN_PROGRESS)
                start = plans.period(year, q).start
                TaskProgress.objects.create(
                    task=task, unit=lead, period_start=start, status=status,
                    text=words[status].format(task.requirements[:24].rstrip("，、")),
                    evidence="/xxgk/" if status == ProgressStatus.DONE else "",
                    accepted_at=timezone.make_aware(dt.datetime.combine(plans.period(year, q).end, dt.time(17))),
                )
            if n == 0:  # one report of this quarter still waits for the office
                TaskProgress.objects.create(task=task, unit=lead, period_start=quarter.start,
                                            status=ProgressStatus.DONE, text="本季度完成权责清单调整并公开。")
        return plan

    def build_second_school(self, root: Page) -> Page:
        """A second school that has only started its disclosure column: its
        guide is overdue for review and its columns are empty, so the bureau's
        oversight table ranks it below the first school, with the reasons."""
        home = root.add_child(instance=HomePage(
            title="泉州市第二实验小学", slug=SECOND_SCHOOL_SLUG,
            intro=p("泉州市第二实验小学网站（示例）：信息公开专栏刚刚开设。"),
        ))
        site, _ = Site.objects.update_or_create(
            hostname=SECOND_SCHOOL_HOSTNAME, port=8000,
            defaults={"root_page": home, "site_name": "泉州市第二实验小学", "is_default_site": False},
        )
        set_profile(site, SECOND_SCHOOL_PROFILE)
        index = publish(home, DisclosureIndexPage(title="信息公开", slug="xxgk"), at(2024, 3, 1))
        publish(index, DisclosureGuidePage(title="泉州市第二实验小学信息公开指南", slug="zn",
                                           last_reviewed=dt.date(2024, 3, 1)), at(2024, 3, 1))
        publish(index, DisclosureColumnPage(title="主动公开内容", slug="zdgk",
                                            column=DisclosureColumnPage.Column.ACTIVE), at(2024, 3, 1))
        return home

    def assign_school_tasks(self, bureau_home: Page, school_home: Page) -> None:
        """Two tasks of the bureau's plan assigned down to the school, which has
        reported on one of them (accepted)."""
        from govopen_wagtail.models import PlanTask, PlanTaskSite, ProgressStatus, TaskProgress
        from govopen_wagtail.services import plans

        school = Site.objects.get(root_page=school_home)
        tasks = list(PlanTask.objects.filter(page__path__startswith=bureau_home.path).order_by("sort_order")[:2])
        for task in tasks:
            PlanTaskSite.objects.create(task=task, site=school)
        if tasks:
            TaskProgress.objects.create(
                task=tasks[0], site=school, period_start=plans.period_of(plans.today()).start,
                status=ProgressStatus.IN_PROGRESS, text="学校已公开收费项目和标准，正在梳理学校信息公开目录。",
                evidence="/xxgk/zdgk/sf2026/", accepted_at=timezone.now(),
            )

    def bureau_guide(self) -> DisclosureGuidePage:
        return DisclosureGuidePage(
            title="泉州市教育局政府信息公开指南",
            slug="zn",
            intro=p(
                "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。"
                "需要获得本局政府信息公开服务的公民、法人或者其他组织，建议阅读本指南。"
            ),
            information_arrangement=p(
                "本局主动公开的政府信息分为机构职能、规划计划、政策文件、财政预决算、义务教育、学生资助、"
                "校外培训机构治理等类别，在“法定主动公开内容”栏目中按类别和时间顺序编排。",
                "每条信息标注索引号、名称、内容概述和生成日期。索引号由本机关统一社会信用代码、年份和顺序号组成，"
                "如 11350500003598370M/2026-00001。",
            ),
            last_reviewed=dt.date(2026, 3, 1),
        )

    def build_school(self, root: Page) -> Page:
        home = root.add_child(
            instance=HomePage(
                title="泉州市实验学校",
                slug=SCHOOL_SLUG,
                intro=p("泉州市实验学校网站（示例）：同一套系统中的第二个站点，拥有自己的信息公开专栏。"),
            )
        )
        site, _ = Site.objects.update_or_create(
            hostname=SCHOOL_HOSTNAME,
            port=8000,
            defaults={"root_page": home, "site_name": "泉州市实验学校", "is_default_site": False},
        )
        set_profile(site, SCHOOL_PROFILE)
        index = publish(
            home,
            DisclosureIndexPage(
                title="信息公开",
                slug="xxgk",
                intro=p("学校依照《教育部关于推进中小学信息公开工作的意见》（教办〔2010〕15号）公开学校信息。"),
            ),
            at(2021, 9, 1),
        )
        publish(
            index,
            DisclosureGuidePage(
                title="泉州市实验学校信息公开指南",
                slug="zn",
                information_arrangement=p(
                    "学校公开的信息包括学校基本情况、招生入学、收费项目和标准、学生资助、"
                    "教育教学和安全管理等类别，按类别和时间顺序编排。"
                ),
                last_reviewed=dt.date(2026, 9, 1),
            ),
            at(2021, 9, 1),
        )
        publish(
            index,
            DisclosureRulesPage(
                title="学校信息公开制度",
                slug="zd",
                body=p("学校办公室负责信息公开的日常工作；涉及学生个人信息的，公开前作去标识化处理。"),
            ),
            at(2021, 9, 1),
        )
        active = publish(
            index,
            DisclosureColumnPage(
                title="主动公开内容",
                slug="zdgk",
                column=DisclosureColumnPage.Column.ACTIVE,
            ),
            at(2021, 9, 1),
        )
        publish(
            active,
            DisclosureItemPage(
                title="泉州市实验学校2026年秋季收费项目和标准",
                slug="sf2026",
                summary="经物价部门核准的收费项目、收费标准、收费依据和监督电话。",
                body=p("学校严格执行核准的收费项目和标准，不得擅自增加收费项目、提高收费标准。"),
                generated_date=dt.date(2026, 8, 25),
                formed_date=dt.date(2026, 8, 20),
                issuing_unit="学校办公室",
            ),
            at(2026, 8, 25, 10),
        )
        return home

    def build_privacy(self, school_home: Page) -> None:
        """The privacy screening (隐私排查) on the school: a grant list that
        exposes students' identity numbers in the page, a Word file and an
        Excel file (found by the audit, still open); last spring's list, whose
        Excel file exposed them too and was replaced by a masked one (found,
        fixed, screened clean); and a review workflow with a page waiting in
        it that cannot be approved until its ID numbers are masked."""
        import io

        import docx
        from django.core.files.base import ContentFile
        from openpyxl import Workbook
        from wagtail.documents import get_document_model
        from django.contrib.auth.models import Permission
        from wagtail.models import Collection, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

        from govopen_wagtail.models import DisclosureItemAttachment, PrivacyFinding, PrivacyReviewTask
        from govopen_wagtail.services.privacy_audit import audit
        from govopen_wagtail.services.site_groups import create_site_groups

        site = Site.objects.get(root_page=school_home)
        active = DisclosureColumnPage.objects.descendant_of(school_home).get(column=DisclosureColumnPage.Column.ACTIVE)
        collection = Collection.objects.filter(name=DEMO_COLLECTION).first()
        if collection is None:
            # A flushed database (transactional tests) lost the root collection
            # Wagtail's migrations made, as it lost the root page.
            root = Collection.get_first_root_node() or Collection.add_root(name="Root")
            collection = root.add_child(name=DEMO_COLLECTION)
        Document = get_document_model()
        students = [("张某某", demo_id("350502", "20120315", "402")), ("李某某", demo_id("350503", "20110908", "227")),
                    ("王某某", demo_id("350521", "20120611", "064"))]

        def upload(title, name, data):
            document = Document(title=title, collection=collection)
            document.file.save(name, ContentFile(data), save=False)
            document.save()
            return document

        def workbook(rows):
            wb = Workbook()
            sheet = wb.active
            sheet.title = "受助学生名单"
            for row in rows:
                sheet.append(row)
            out = io.BytesIO()
            wb.save(out)
            return out.getvalue()

        def item(title, slug, body, attachments, when):
            page = DisclosureItemPage(
                title=title, slug=slug, summary="家庭经济困难学生资助名单，公示期5个工作日。", body=body,
                generated_date=when.date(), formed_date=when.date(), issuing_unit="学校资助工作领导小组",
            )
            page.attachments = [DisclosureItemAttachment(document=d, title=d.title) for d in attachments]
            return publish(active, page, when)

        # Last spring: the Excel file exposed IDs; the audit found it; it was replaced by a masked list.
        spring_list = upload("2026年春季学期受助学生名单（原件）", "spring-grants.xlsx", workbook(
            [["序号", "姓名", "身份证号", "资助金额（元）"]]
            + [[i, name, number, 625] for i, (name, number) in enumerate(students, start=1)]))
        spring = item("泉州市实验学校2026年春季学期家庭经济困难学生资助名单公示", "zz2026spring",
                      p("经学生申请、班级评议、学校审核，拟资助以下学生，名单见附件。"), [spring_list],
                      at(2026, 3, 10, 10))
        audit(sites=[site])
        masked = upload("2026年春季学期受助学生名单", "spring-grants-masked.xlsx", workbook(
            [["序号", "姓名", "年级", "资助金额（元）"]]
            + [[i, name[0] + "某某", "七年级", 625] for i, (name, _number) in enumerate(students, start=1)]))
        spring = DisclosureItemPage.objects.get(pk=spring.pk)
        spring.attachments = [DisclosureItemAttachment(document=masked, title=masked.title)]
        spring.save_revision().publish()
        spring_list.delete()  # the exposed original is gone from the site
        audit(sites=[site])
        # Give the spring finding its real dates, so the monthly trend shows it.
        PrivacyFinding.objects.filter(source_label=spring_list.title).update(
            first_found=at(2026, 3, 11), last_found=at(2026, 3, 11), fixed_at=at(2026, 3, 12))

        # This autumn: the page, a Word file and an Excel file expose personal data.
        autumn_list = upload("2026年秋季学期受助学生名单", "autumn-grants.xlsx", workbook(
            [["序号", "姓名", "身份证号", "家庭住址"]]
            + [[i, name, number, f"泉州市鲤城区开元街道中山路{10 + i}号{i}栋50{i}室"]
               for i, (name, number) in enumerate(students, start=1)]))
        visits = docx.Document()
        visits.add_paragraph("家访记录（秋季学期资助认定）")
        visits.add_paragraph("家访对象：张某某家长，家住泉州市鲤城区开元街道中山路11号1栋501室，联系电话13905951234。")
        out = io.BytesIO()
        visits.save(out)
        visit_file = upload("秋季学期资助认定家访记录", "home-visits.docx", out.getvalue())
        item("泉州市实验学校2026年秋季学期家庭经济困难学生资助名单公示", "zz2026autumn",
             p("经学生申请、班级评议、学校审核，拟资助以下学生：",
               f"七年级（3）班 张某某（身份证号{students[0][1]}），资助金额625元。",
               "公示期：2026年9月20日至9月26日。"),
             [autumn_list, visit_file], at(2026, 9, 20, 10))
        audit(sites=[site])

        # The review workflow: the school's editors review before publication.
        groups = create_site_groups(site)
        task, _created = PrivacyReviewTask.objects.get_or_create(name="隐私与保密审查（学校）")
        task.groups.add(groups.editors)
        workflow, _created = Workflow.objects.get_or_create(name="学校信息发布审查")
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})
        WorkflowPage.objects.update_or_create(page=school_home, defaults={"workflow": workflow})
        for codename in ("change_page", "publish_page"):
            GroupPagePermission.objects.get_or_create(
                group=groups.editors, page=school_home, permission=Permission.objects.get(codename=codename))
        waiting = DisclosureItemPage(
            title="2026年校级三好学生名单公示（待审查）", slug="shxs2026", live=False,
            summary="校级三好学生、优秀学生干部名单。", generated_date=dt.date(2026, 11, 25),
            body=p(f"七年级（1）班 李某某（身份证号{students[1][1]}）", "八年级（2）班 王某某"),
            issuing_unit="学校德育处",
        )
        active.add_child(instance=waiting)
        waiting.save_revision()
        workflow.start(waiting, user=None)

    def create_school_staff(self) -> None:
        """The school's own teacher, confined to the school's site."""
        from govopen_wagtail.services.site_groups import create_site_groups

        groups = create_site_groups(Site.objects.get(hostname=SCHOOL_HOSTNAME))
        User = get_user_model()
        if not User.objects.filter(username="teacher").exists():
            teacher = User.objects.create_user("teacher", "teacher@example.invalid", "teacher")
            teacher.groups.add(groups.editors, groups.moderators, groups.handlers)
            self.stdout.write("Created the school's editor: teacher / teacher (sees the school's records only).")

    def create_superuser(self) -> None:
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.invalid", "admin")
            self.stdout.write("Created demo administrator: admin / admin (change it outside a demo).")
