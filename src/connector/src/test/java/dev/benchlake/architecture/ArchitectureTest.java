package dev.benchlake.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The connector's packages are the stages of its pipeline and import one way: {@code connect} wires everything;
 * {@code engine} runs {@code pass} and {@code discovery}; these use {@code retry}, {@code record}, {@code offset},
 * {@code metrics} and the port {@code api}; {@code sagemaker} is the only adapter of that port and the only
 * package that sees the AWS SDK. Offsets and records never see AWS types.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.benchlake");

    /** The rules this test enforces, each with what it forbids. */
    static final ArchRule NO_CYCLES = slices().matching("dev.benchlake.(*)..").should().beFreeOfCycles();
    static final ArchRule SDK_ONLY_IN_SAGEMAKER = noClasses().that().resideOutsideOfPackage("dev.benchlake.sagemaker..")
            .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..");
    static final ArchRule API_IS_A_LEAF = noClasses().that().resideInAPackage("dev.benchlake.api..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.benchlake.connect..", "dev.benchlake.config..",
                    "dev.benchlake.engine..", "dev.benchlake.pass..", "dev.benchlake.discovery..", "dev.benchlake.retry..",
                    "dev.benchlake.offset..", "dev.benchlake.record..", "dev.benchlake.sagemaker..", "dev.benchlake.metrics..");
    static final ArchRule VALUES_ARE_PURE = noClasses().that()
            .resideInAnyPackage("dev.benchlake.offset..", "dev.benchlake.record..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.benchlake.connect..", "dev.benchlake.engine..",
                    "dev.benchlake.pass..", "dev.benchlake.discovery..", "dev.benchlake.retry..", "dev.benchlake.sagemaker..",
                    "dev.benchlake.config..");
    static final ArchRule STAGES_DO_NOT_REACH_UP = noClasses().that()
            .resideInAnyPackage("dev.benchlake.pass..", "dev.benchlake.discovery..", "dev.benchlake.retry..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.benchlake.engine..", "dev.benchlake.connect..",
                    "dev.benchlake.sagemaker..");
    static final ArchRule ONLY_CONNECT_WIRES_THE_ADAPTER = noClasses().that().resideOutsideOfPackages(
            "dev.benchlake.connect..", "dev.benchlake.sagemaker..")
            .should().dependOnClassesThat().resideInAPackage("dev.benchlake.sagemaker..");

    @Test
    void theStagesAreTheExpectedPackages() {
        Set<String> packages = new TreeSet<>();
        for (JavaClass c : MAIN) {
            packages.add(c.getPackageName());
        }
        assertThat(packages).containsExactlyInAnyOrder("dev.benchlake.api", "dev.benchlake.config", "dev.benchlake.connect",
                "dev.benchlake.discovery", "dev.benchlake.engine", "dev.benchlake.metrics", "dev.benchlake.offset",
                "dev.benchlake.pass", "dev.benchlake.record", "dev.benchlake.retry", "dev.benchlake.sagemaker",
                "dev.benchlake.avro");
    }

    @Test
    void packagesImportOneWayWithoutCycles() {
        NO_CYCLES.check(MAIN);
    }

    @Test
    void onlyTheSagemakerPackageSeesTheAwsSdk() {
        SDK_ONLY_IN_SAGEMAKER.check(MAIN);
    }

    @Test
    void thePortDependsOnNothingOfOurs() {
        API_IS_A_LEAF.check(MAIN);
    }

    @Test
    void offsetsAndRecordsArePureValues() {
        VALUES_ARE_PURE.check(MAIN);
    }

    @Test
    void stagesDoNotReachUpToTheLoopOrTheWiring() {
        STAGES_DO_NOT_REACH_UP.check(MAIN);
        ONLY_CONNECT_WIRES_THE_ADAPTER.check(MAIN);
    }

    /** The rules can fail: a cycle and an SDK import, written here on purpose, are both reported. */
    @Test
    void theRulesReportACycleAndAStrayAwsImport() {
        JavaClasses bad = new ClassFileImporter().importPackages("dev.benchlake.architecture.fixture");
        EvaluationResult cycle = slices().matching("dev.benchlake.architecture.fixture.(*)..").should().beFreeOfCycles()
                .evaluate(bad);
        assertThat(cycle.hasViolation()).as("a cycle between two fixture packages is reported").isTrue();
        EvaluationResult sdk = noClasses().that().resideOutsideOfPackage("dev.benchlake.sagemaker..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..").evaluate(bad);
        assertThat(sdk.hasViolation()).as("an AWS SDK import outside sagemaker is reported").isTrue();
    }
}
