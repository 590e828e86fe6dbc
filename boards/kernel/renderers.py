"""One way every page draws a form (``{{ form }}``): each field's label, the field, its errors in
red right under it (the field marked ``aria-invalid``) and its help; the form's own errors above.
Project templates (templates/forms/) through the TEMPLATES setting, so a page and the kernel's step
page look alike. The admin draws its forms field by field and is not affected."""

from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
